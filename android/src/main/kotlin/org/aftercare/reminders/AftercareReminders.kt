package org.aftercare.reminders

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.provider.Settings
import java.io.File

/**
 * What the Rust side calls (src/platform/android_reminders.rs, through JNI). Every method
 * returns a short string and never throws: an exception would reach Rust as a bare JNI error.
 */
class AftercareReminders(private val activity: Activity) {
    private val context get() = activity.applicationContext

    /** Arms the plan file the Rust side just wrote. */
    fun armPlan(planPath: String): String = try {
        ReminderPlan.arm(context, File(planPath))
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    /**
     * "allowed=true exact=false": whether a posted reminder can be seen (permission, app
     * notifications and the reminder channel: [ReminderPlan.notificationsAllowed]) and whether
     * alarms are exact.
     */
    fun status(): String = try {
        "allowed=${ReminderPlan.notificationsAllowed(context)} exact=${ReminderPlan.canExact(context)}"
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    /** Asks for the notification permission (Android 13+); "asked" or "granted". */
    fun requestPermission(): String = try {
        if (Build.VERSION.SDK_INT >= 33 &&
            activity.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) !=
            PackageManager.PERMISSION_GRANTED
        ) {
            activity.runOnUiThread {
                activity.requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), 7301)
            }
            "asked"
        } else if (!ReminderPlan.notificationsAllowed(context)) {
            // Refused before: only the system settings can turn them on again.
            activity.runOnUiThread {
                activity.startActivity(
                    Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS)
                        .putExtra(Settings.EXTRA_APP_PACKAGE, activity.packageName),
                )
            }
            "settings"
        } else {
            "granted"
        }
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    /** Opens the system page where exact alarms are allowed (Android 12+). */
    fun openExactAlarmSettings(): String = try {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
            activity.runOnUiThread {
                activity.startActivity(
                    Intent(
                        Settings.ACTION_REQUEST_SCHEDULE_EXACT_ALARM,
                        Uri.parse("package:" + activity.packageName),
                    ),
                )
            }
            "opened"
        } else {
            "not needed"
        }
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    /** Shows a notification now ("send a test reminder"). */
    fun showNow(id: String, title: String, body: String): String = try {
        if (ReminderPlan.post(context, id, title, body)) "shown" else "error: notifications are off"
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    /** The id of the reminder whose tap opened the app, once; "" if none. */
    fun takeLaunchReminder(): String = try {
        val intent = activity.intent
        val id = intent?.getStringExtra(ReminderPlan.EXTRA_ID) ?: ""
        intent?.removeExtra(ReminderPlan.EXTRA_ID)
        id
    } catch (e: Throwable) {
        ""
    }
}
