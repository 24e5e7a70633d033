package org.aftercare.reminders

import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlarmManager

/** Arming the plan file that Rust writes, at the lowest and highest supported SDK levels. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24, 34, 35])
class ArmingTest {
    private val activity = Support.activity()

    @Before
    fun exactAlarmsAllowed() = ShadowAlarmManager.setCanScheduleExactAlarms(true)

    @Test
    fun every_planned_reminder_of_the_rust_plan_file_is_armed_once_at_its_instant() {
        val planned = RustBridge.plan(activity)
        assertTrue("a 14-day plan has reminders", planned.ids.size > 14)
        assertEquals("armed=${planned.ids.size} exact=true", planned.armed)
        val armed = Support.scheduled()
        assertEquals(planned.ids, armed.map(Support::idOf))
        assertEquals(planned.atMs, armed.map { it.triggerAtMs })
        assertTrue(armed.all { it.getType() == android.app.AlarmManager.RTC_WAKEUP })
    }

    @Test
    fun alarms_are_exact_and_allowed_while_idle_when_exact_alarms_are_allowed() {
        ShadowAlarmManager.setCanScheduleExactAlarms(true)
        RustBridge.plan(activity)
        val armed = Support.scheduled()
        assertTrue(armed.isNotEmpty())
        assertTrue(armed.all { it.windowLengthMs == ShadowAlarmManager.WINDOW_EXACT })
        assertTrue(armed.all { it.isAllowWhileIdle })
    }

    @Test
    fun arming_twice_leaves_one_alarm_per_reminder() {
        val planned = RustBridge.plan(activity)
        val again = RustBridge.plan(activity)
        assertEquals(planned.ids, again.ids)
        assertEquals(planned.ids, Support.scheduled().map(Support::idOf))
        // And the receivers' path, from the file alone, changes nothing either.
        ReminderPlan.armFromFilesDir(Support.app)
        assertEquals(planned.ids, Support.scheduled().map(Support::idOf))
    }

    @Test
    fun reminders_dropped_from_the_plan_are_cancelled() {
        val two = RustBridge.plan(activity, sessions = 2)
        val one = RustBridge.plan(activity, sessions = 1)
        assertTrue("the second session adds reminders", two.ids.size > one.ids.size)
        val armed = Support.scheduled().map(Support::idOf)
        assertEquals(one.ids, armed)
        for (dropped in two.ids - one.ids.toSet()) {
            assertTrue("$dropped is still armed", dropped !in armed)
        }
    }

    @Test
    fun only_the_nearest_alarms_are_armed_when_the_plan_is_longer_than_the_cap() {
        val planned = RustBridge.plan(activity, sessions = 5, days = 42, morningNote = true)
        assertTrue("${planned.ids.size} reminders", planned.ids.size > ReminderPlan.MAX_ALARMS)
        val armed = Support.scheduled()
        assertEquals(ReminderPlan.MAX_ALARMS, armed.size)
        assertEquals(planned.ids.take(ReminderPlan.MAX_ALARMS), armed.map(Support::idOf))
        assertEquals("armed=${ReminderPlan.MAX_ALARMS} exact=true", planned.armed)
    }

    @Test
    fun reminders_already_past_are_not_armed() {
        // Planned two days ago: what fell due since then is not armed now.
        val twoDaysAgo = System.currentTimeMillis() - 2 * 24 * 3600 * 1000L
        val planned = RustBridge.plan(activity, nowMs = twoDaysAgo)
        val now = System.currentTimeMillis()
        val future = planned.ids.filterIndexed { i, _ -> planned.atMs[i] > now }
        assertTrue(future.size < planned.ids.size)
        assertEquals(future, Support.scheduled().map(Support::idOf))
    }

    @Test
    fun an_unreadable_plan_file_is_an_error_line_and_arms_nothing() {
        Support.planFile.writeText("{not json")
        val line = AftercareReminders(activity).armPlan(Support.planFile.path)
        assertTrue(line, line.startsWith("error: the reminder plan is not readable"))
        assertTrue(Support.scheduled().isEmpty())
        Support.planFile.writeText("""{"version":2,"reminders":[]}""")
        val unknown = AftercareReminders(activity).armPlan(Support.planFile.path)
        assertEquals("error: reminder plan version 2 is not known", unknown)
    }

    @Test
    fun one_broken_entry_costs_that_reminder_only() {
        val planned = RustBridge.plan(activity)
        val plan = JSONObject(Support.planFile.readText())
        plan.getJSONArray("reminders").getJSONObject(0).remove("title")
        Support.planFile.writeText(plan.toString())
        val line = AftercareReminders(activity).armPlan(Support.planFile.path)
        assertEquals("armed=${planned.ids.size - 1} exact=true skipped=1", line)
        assertEquals(planned.ids.drop(1), Support.scheduled().map(Support::idOf))
    }

    @Test
    fun no_plan_file_arms_nothing_and_says_so() {
        assertEquals("no plan", ReminderPlan.armFromFilesDir(Support.app))
        assertTrue(Support.scheduled().isEmpty())
    }
}

/** Exact alarms withdrawn (Android 12+): the inexact fallback. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class InexactFallbackTest {
    private val activity = Support.activity()

    @Test
    fun without_the_exact_alarm_permission_alarms_are_inexact_but_allowed_while_idle() {
        ShadowAlarmManager.setCanScheduleExactAlarms(false)
        org.robolectric.Shadows.shadowOf(Support.app)
            .grantPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
        val planned = RustBridge.plan(activity)
        assertEquals("armed=${planned.ids.size} exact=false", planned.armed)
        val armed = Support.scheduled()
        assertEquals(planned.ids, armed.map(Support::idOf))
        assertTrue(armed.all { it.windowLengthMs != ShadowAlarmManager.WINDOW_EXACT })
        assertTrue(armed.all { it.isAllowWhileIdle })
        assertEquals(
            "allowed=true exact=false",
            AftercareReminders(activity).status(),
        )
    }

    @Test
    fun the_exact_alarm_settings_page_is_opened_for_the_app() {
        val line = AftercareReminders(activity).openExactAlarmSettings()
        assertEquals("opened", line)
        Support.idle()
        val started = org.robolectric.Shadows.shadowOf(activity).nextStartedActivity
        assertEquals(android.provider.Settings.ACTION_REQUEST_SCHEDULE_EXACT_ALARM, started.action)
        assertEquals("package:" + activity.packageName, started.dataString)
    }
}
