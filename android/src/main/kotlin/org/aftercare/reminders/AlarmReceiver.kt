package org.aftercare.reminders

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent

/** Fires at a reminder's instant: posts it and logs it as delivered. */
class AlarmReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val id = intent.getStringExtra(ReminderPlan.EXTRA_ID) ?: return
        val title = intent.getStringExtra(ReminderPlan.EXTRA_TITLE) ?: return
        val body = intent.getStringExtra(ReminderPlan.EXTRA_BODY) ?: ""
        if (ReminderPlan.post(context, id, title, body)) {
            ReminderPlan.logDelivered(context, id)
        }
    }
}
