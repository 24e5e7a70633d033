package org.aftercare.reminders

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent

/**
 * Re-arms the alarms from the plan file: alarms do not survive a restart or an app update,
 * and a change of the clock or of the exact-alarm permission changes how they should be set.
 * After a change of zone the instants stay those the app planned; the app plans again in the
 * new zone the next time it opens.
 */
class RearmReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val pending = goAsync()
        Thread {
            try {
                ReminderPlan.armFromFilesDir(context)
            } catch (e: Exception) {
                android.util.Log.w("Aftercare", "re-arming reminders failed", e)
            } finally {
                pending.finish()
            }
        }.start()
    }
}
