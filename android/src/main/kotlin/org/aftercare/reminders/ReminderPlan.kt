package org.aftercare.reminders

import android.Manifest
import android.app.AlarmManager
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import org.json.JSONException
import org.json.JSONObject
import java.io.File

/**
 * The reminder plan as the Rust side wrote it (files/reminders-plan.json), armed as
 * AlarmManager alarms. Kotlin never opens the app's store: the plan file is all it reads,
 * and the delivered log (files/reminders-delivered.log) is all it writes; the Rust side
 * imports that log into its delivery log at the next start.
 *
 * Plan file, version 1:
 * {"version":1,"channel":{"name":"…","description":"…"},
 *  "reminders":[{"id":"checkin:S:2026-11-21","at_ms":1795287600000,"title":"…","body":"…"}]}
 */
object ReminderPlan {
    const val CHANNEL_ID = "aftercare-reminders"
    const val EXTRA_ID = "org.aftercare.reminder.id"
    const val EXTRA_TITLE = "org.aftercare.reminder.title"
    const val EXTRA_BODY = "org.aftercare.reminder.body"
    const val PLAN_FILE = "reminders-plan.json"
    const val DELIVERED_FILE = "reminders-delivered.log"
    private const val PREFS = "aftercare-reminders"
    private const val ARMED = "armed"

    /** Every reminder is posted under its own tag (its id) with this number. */
    const val NOTIFICATION_ID = 1

    /** Android keeps at most 500 alarms per app; the plan's nearest ones are plenty. */
    const val MAX_ALARMS = 200

    private data class Item(val id: String, val atMillis: Long, val title: String, val body: String)

    /** Whether exact alarms are allowed (always before Android 12). */
    fun canExact(context: Context): Boolean {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.S) return true
        val am = context.getSystemService(AlarmManager::class.java) ?: return false
        return am.canScheduleExactAlarms()
    }

    /** Arms the plan file in the app's files folder; returns a one-line summary. */
    fun armFromFilesDir(context: Context): String = arm(context, File(context.filesDir, PLAN_FILE))

    /**
     * Cancels the alarms of reminders no longer planned and (re)arms every planned reminder
     * still in the future: exact when allowed, else inexact but allowed while idle (Doze).
     */
    fun arm(context: Context, file: File, now: Long = System.currentTimeMillis()): String {
        if (!file.exists()) return "no plan"
        val plan = try {
            JSONObject(file.readText())
        } catch (e: JSONException) {
            return "error: the reminder plan is not readable (${e.message})"
        }
        if (plan.optInt("version", 0) != 1) {
            return "error: reminder plan version ${plan.opt("version")} is not known"
        }
        val channel = plan.optJSONObject("channel")
        ensureChannel(
            context,
            channel?.optString("name")?.ifEmpty { null } ?: "Reminders",
            channel?.optString("description") ?: "",
        )
        val list = plan.optJSONArray("reminders")
        val items = ArrayList<Item>()
        var skipped = 0
        if (list != null) {
            for (i in 0 until list.length()) {
                // One unreadable entry costs that reminder only, never the rest of the plan.
                val item = try {
                    val o = list.getJSONObject(i)
                    Item(o.getString("id"), o.getLong("at_ms"), o.getString("title"), o.getString("body"))
                } catch (e: JSONException) {
                    skipped++
                    continue
                }
                if (item.atMillis > now) items.add(item)
            }
        }
        items.sortBy { it.atMillis }
        val armed = items.take(MAX_ALARMS)
        val am = context.getSystemService(AlarmManager::class.java) ?: return "error: no alarm service"
        val prefs = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        val before = prefs.getStringSet(ARMED, emptySet()) ?: emptySet()
        val ids = armed.map { it.id }.toSet()
        for (id in before - ids) {
            val pending = PendingIntent.getBroadcast(
                context, 0, alarmIntent(context, id),
                PendingIntent.FLAG_NO_CREATE or PendingIntent.FLAG_IMMUTABLE,
            )
            if (pending != null) {
                am.cancel(pending)
                pending.cancel()
            }
        }
        var exact = canExact(context)
        for (item in armed) {
            val intent = alarmIntent(context, item.id)
                .putExtra(EXTRA_TITLE, item.title)
                .putExtra(EXTRA_BODY, item.body)
            val pending = PendingIntent.getBroadcast(
                context, 0, intent,
                PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
            )
            if (exact) {
                try {
                    am.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, item.atMillis, pending)
                    continue
                } catch (e: SecurityException) {
                    // The permission was withdrawn meanwhile: inexact from here on.
                    exact = false
                }
            }
            am.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, item.atMillis, pending)
        }
        // commit, not apply: the receiver that re-arms may be ended as soon as this returns.
        prefs.edit().putStringSet(ARMED, ids).commit()
        val summary = "armed=${armed.size} exact=$exact"
        return if (skipped > 0) "$summary skipped=$skipped" else summary
    }

    /** One alarm per reminder: the data URI makes each PendingIntent distinct. */
    private fun alarmIntent(context: Context, id: String): Intent =
        Intent(context, AlarmReceiver::class.java)
            .setData(Uri.parse("aftercare-reminder:" + Uri.encode(id)))
            .putExtra(EXTRA_ID, id)

    /** Creates the notification channel (Android 8+); the name is in the patient's language. */
    fun ensureChannel(context: Context, name: String, description: String) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) return
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        val channel = NotificationChannel(CHANNEL_ID, name, NotificationManager.IMPORTANCE_DEFAULT)
        channel.description = description
        nm.createNotificationChannel(channel)
    }

    /**
     * Whether a posted reminder can be seen: on Android 13+ the POST_NOTIFICATIONS permission,
     * notifications on for the app, and (Android 8+) the reminder channel not blocked.
     */
    fun notificationsAllowed(context: Context): Boolean {
        if (Build.VERSION.SDK_INT >= 33 &&
            context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) !=
            PackageManager.PERMISSION_GRANTED
        ) {
            return false
        }
        val nm = context.getSystemService(NotificationManager::class.java) ?: return false
        if (!nm.areNotificationsEnabled()) return false
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.O) {
            val channel = nm.getNotificationChannel(CHANNEL_ID)
            if (channel != null && channel.importance == NotificationManager.IMPORTANCE_NONE) {
                return false
            }
        }
        return true
    }

    /** The intent a tap on reminder [id] starts: the app's launcher Activity, with the id. */
    fun tapIntent(context: Context, id: String): Intent? =
        context.packageManager.getLaunchIntentForPackage(context.packageName)?.apply {
            addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_SINGLE_TOP)
            data = Uri.parse("aftercare-open:" + Uri.encode(id))
            putExtra(EXTRA_ID, id)
        }

    /**
     * Posts a reminder now, tagged with its id (so one reminder is one notification); a tap
     * opens the app with the reminder's id, which the Rust side reads to open the right
     * screen. Returns false when it cannot be seen (see [notificationsAllowed]).
     */
    fun post(context: Context, id: String, title: String, body: String): Boolean {
        val nm = context.getSystemService(NotificationManager::class.java) ?: return false
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.O &&
            nm.getNotificationChannel(CHANNEL_ID) == null
        ) {
            ensureChannel(context, "Reminders", "")
        }
        if (!notificationsAllowed(context)) return false
        val content = tapIntent(context, id)?.let {
            PendingIntent.getActivity(
                context, 0, it,
                PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
            )
        }
        val builder = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.O) {
            Notification.Builder(context, CHANNEL_ID)
        } else {
            @Suppress("DEPRECATION")
            Notification.Builder(context).setPriority(Notification.PRIORITY_DEFAULT)
        }
        // A notification without a valid small icon is refused by the system: the app's icon,
        // else a framework one.
        val icon = context.applicationInfo.icon.takeIf { it != 0 }
            ?: android.R.drawable.ic_popup_reminder
        val notification = builder
            .setSmallIcon(icon)
            .setContentTitle(title)
            .setContentText(body)
            .setStyle(Notification.BigTextStyle().bigText(body))
            .setCategory(Notification.CATEGORY_REMINDER)
            .setAutoCancel(true)
            .setContentIntent(content)
            .build()
        return try {
            nm.notify(id, NOTIFICATION_ID, notification)
            true
        } catch (e: SecurityException) {
            false
        }
    }

    /** Appends "id<TAB>epoch millis" to the delivered log, for the Rust side to import. */
    fun logDelivered(context: Context, id: String, at: Long = System.currentTimeMillis()) {
        File(context.filesDir, DELIVERED_FILE).appendText("$id\t$at\n")
    }
}
