package org.aftercare.reminders

import android.app.Activity
import android.app.AlarmManager
import android.app.Application
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.ComponentName
import android.content.Intent
import android.content.IntentFilter
import android.content.pm.ActivityInfo
import android.content.pm.ResolveInfo
import android.net.Uri
import android.os.Looper
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowAlarmManager
import java.io.File

/** Shared set-up of the Robolectric tests: the app, its Activity, the system services. */
object Support {
    const val LAUNCHER = "org.aftercare.MainActivity"

    val app: Application get() = RuntimeEnvironment.getApplication()

    val alarms: AlarmManager get() = app.getSystemService(AlarmManager::class.java)

    val notifications: NotificationManager
        get() = app.getSystemService(NotificationManager::class.java)

    /** The alarms armed now, nearest first. */
    fun scheduled(): List<ShadowAlarmManager.ScheduledAlarm> =
        shadowOf(alarms).scheduledAlarms.sortedBy { it.triggerAtMs }

    /** The PendingIntent an armed alarm sends (Robolectric offers it as a field only). */
    @Suppress("DEPRECATION")
    fun operationOf(alarm: ShadowAlarmManager.ScheduledAlarm): PendingIntent = alarm.operation!!

    /** The reminder id an armed alarm carries. */
    fun idOf(alarm: ShadowAlarmManager.ScheduledAlarm): String =
        shadowOf(operationOf(alarm)).savedIntent.getStringExtra(ReminderPlan.EXTRA_ID)!!

    /** The intent a PendingIntent would send. */
    fun intentOf(pending: PendingIntent): Intent = shadowOf(pending).savedIntent

    /**
     * A started Activity standing in for dx's, with a launcher entry for the package (so that
     * a notification's tap has an Activity to open).
     */
    fun activity(): Activity {
        val info = ResolveInfo().apply {
            activityInfo = ActivityInfo().apply {
                packageName = app.packageName
                name = LAUNCHER
            }
        }
        val pm = shadowOf(app.packageManager)
        pm.addActivityIfNotPresent(ComponentName(app.packageName, LAUNCHER))
        pm.addIntentFilterForActivity(
            ComponentName(app.packageName, LAUNCHER),
            IntentFilter(Intent.ACTION_MAIN).apply { addCategory(Intent.CATEGORY_LAUNCHER) },
        )
        @Suppress("DEPRECATION")
        pm.addResolveInfoForIntent(
            Intent(Intent.ACTION_MAIN).addCategory(Intent.CATEGORY_LAUNCHER)
                .setPackage(app.packageName),
            info,
        )
        return Robolectric.buildActivity(Activity::class.java).setup().get()
    }

    /** Runs what was posted to the UI thread. */
    fun idle() = shadowOf(Looper.getMainLooper()).idle()

    /** Fires [alarm] as AlarmManager would: its intent to [AlarmReceiver]. */
    fun fire(alarm: ShadowAlarmManager.ScheduledAlarm) {
        AlarmReceiver().onReceive(app, intentOf(operationOf(alarm)))
    }

    /** The plan file Rust wrote into the app's files folder. */
    val planFile: File get() = File(app.filesDir, ReminderPlan.PLAN_FILE)

    /** The delivered log Kotlin writes. */
    val deliveredLog: File get() = File(app.filesDir, ReminderPlan.DELIVERED_FILE)

    /** A content URI of this app's provider with the raw [path]. */
    fun providerUri(path: String): Uri =
        Uri.parse("content://" + AftercareFileProvider.authority(app) + "/" + path)
}
