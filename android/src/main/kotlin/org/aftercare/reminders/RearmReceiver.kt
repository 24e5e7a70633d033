package org.aftercare.reminders

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent

/**
 * Re-arms the alarms from the plan file: alarms do not survive a restart or an app update,
 * and a change of the clock or of the exact-alarm permission changes how they should be set.
 * After a change of zone the instants stay those the app planned; the app plans again in the
 * new zone the next time it opens.
 *
 * It is exported (the system's boot broadcast needs that), so it acts only on the actions in
 * [ACTIONS], which the manifest's intent filter lists.
 */
class RearmReceiver : BroadcastReceiver() {
    companion object {
        /** The broadcasts that re-arm, as declared in AndroidManifest.xml. */
        val ACTIONS = setOf(
            Intent.ACTION_BOOT_COMPLETED,
            Intent.ACTION_MY_PACKAGE_REPLACED,
            Intent.ACTION_TIME_CHANGED,
            Intent.ACTION_TIMEZONE_CHANGED,
            "android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED",
        )
    }

    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action !in ACTIONS) return
        // Delivered by the system, the work goes on a thread of its own and the broadcast
        // stays open until it ends; called any other way there is no pending result, and the
        // plan is armed at once.
        val pending: PendingResult? = goAsync()
        if (pending == null) {
            rearm(context)
            return
        }
        Thread {
            try {
                rearm(context)
            } finally {
                pending.finish()
            }
        }.start()
    }

    private fun rearm(context: Context) {
        try {
            val line = ReminderPlan.armFromFilesDir(context)
            if (line.startsWith("error: ")) android.util.Log.w("Aftercare", line)
        } catch (e: Exception) {
            android.util.Log.w("Aftercare", "re-arming reminders failed", e)
        }
    }
}
