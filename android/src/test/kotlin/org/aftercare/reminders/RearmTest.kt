package org.aftercare.reminders

import android.content.Intent
import android.content.IntentFilter
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlarmManager

/** Alarms are gone after a restart or an update: the plan file is armed again. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24, 34, 35])
class RearmTest {
    private val activity = Support.activity()

    @Before
    fun exactAlarmsAllowed() = ShadowAlarmManager.setCanScheduleExactAlarms(true)

    /** Arms the Rust plan, then drops every alarm as a reboot would. */
    private fun plannedThenLost(): Planned {
        val planned = RustBridge.plan(activity)
        for (alarm in Support.scheduled()) Support.alarms.cancel(Support.operationOf(alarm))
        assertTrue(Support.scheduled().isEmpty())
        return planned
    }

    /**
     * Sends [action] as the system would, to the receiver registered for it. The receiver arms
     * on a thread of its own (goAsync): this waits, at most 10 s, until [expected] alarms are
     * armed, and then a little longer, so that an extra alarm armed late would be seen too.
     */
    private fun broadcast(action: String, expected: Int) {
        Support.app.registerReceiver(RearmReceiver(), IntentFilter(action))
        Support.app.sendBroadcast(Intent(action))
        Support.idle()
        val until = System.currentTimeMillis() + 10_000
        while (Support.scheduled().size < expected && System.currentTimeMillis() < until) {
            Thread.sleep(20)
        }
        Thread.sleep(100)
    }

    private fun rearmsOn(action: String) {
        val planned = plannedThenLost()
        broadcast(action, planned.ids.size)
        assertEquals(planned.ids, Support.scheduled().map(Support::idOf))
    }

    @Test
    fun rearms_after_a_restart() = rearmsOn(Intent.ACTION_BOOT_COMPLETED)

    @Test
    fun rearms_after_an_app_update() = rearmsOn(Intent.ACTION_MY_PACKAGE_REPLACED)

    @Test
    fun rearms_after_the_clock_is_set() = rearmsOn(Intent.ACTION_TIME_CHANGED)

    @Test
    fun rearms_after_a_change_of_zone() = rearmsOn(Intent.ACTION_TIMEZONE_CHANGED)

    @Test
    fun rearms_after_the_exact_alarm_permission_changes() =
        rearmsOn("android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED")

    @Test
    fun called_directly_without_a_pending_result_it_rearms_at_once() {
        val planned = plannedThenLost()
        RearmReceiver().onReceive(Support.app, Intent(Intent.ACTION_BOOT_COMPLETED))
        assertEquals(planned.ids, Support.scheduled().map(Support::idOf))
    }

    @Test
    fun any_other_intent_rearms_nothing() {
        plannedThenLost()
        RearmReceiver().onReceive(Support.app, Intent("org.example.SOMETHING"))
        RearmReceiver().onReceive(Support.app, Intent())
        assertTrue(Support.scheduled().isEmpty())
    }

    @Test
    fun the_receiver_answers_exactly_the_actions_the_manifest_declares() {
        assertEquals(
            setOf(
                Intent.ACTION_BOOT_COMPLETED,
                Intent.ACTION_MY_PACKAGE_REPLACED,
                Intent.ACTION_TIME_CHANGED,
                Intent.ACTION_TIMEZONE_CHANGED,
                "android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED",
            ),
            RearmReceiver.ACTIONS,
        )
        assertEquals(RearmReceiver.ACTIONS, ManifestFile.read().rearmActions)
    }
}
