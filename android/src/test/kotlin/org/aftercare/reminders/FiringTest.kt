package org.aftercare.reminders

import android.app.Notification
import android.os.Build
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlarmManager

/** An alarm firing: the notification, its tap, and the delivered log read back by Rust. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24, 34, 35])
class FiringTest {
    private val activity = Support.activity()

    @Before
    fun allowed() {
        ShadowAlarmManager.setCanScheduleExactAlarms(true)
        shadowOf(Support.app).grantPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
    }

    /** The title and body Rust wrote for reminder [id]. */
    private fun planned(id: String): JSONObject {
        val list = JSONObject(Support.planFile.readText()).getJSONArray("reminders")
        return (0 until list.length()).map { list.getJSONObject(it) }.first { it.getString("id") == id }
    }

    @Test
    fun a_fired_alarm_posts_the_planned_text_on_the_reminder_channel() {
        RustBridge.plan(activity)
        val alarm = Support.scheduled().first()
        val id = Support.idOf(alarm)
        Support.fire(alarm)
        val posted = shadowOf(Support.notifications).allNotifications
        assertEquals(1, posted.size)
        val n = shadowOf(Support.notifications).getNotification(id, ReminderPlan.NOTIFICATION_ID)
        assertNotNull("posted under the reminder's id as its tag", n)
        val text = planned(id)
        assertEquals(text.getString("title"), n.extras.getString(Notification.EXTRA_TITLE))
        assertEquals(text.getString("body"), n.extras.getString(Notification.EXTRA_TEXT))
        assertEquals(Notification.CATEGORY_REMINDER, n.category)
        assertTrue(n.smallIcon != null)
        assertTrue("a tap dismisses it", n.flags and Notification.FLAG_AUTO_CANCEL != 0)
        if (Build.VERSION.SDK_INT >= 26) {
            assertEquals(ReminderPlan.CHANNEL_ID, n.channelId)
            val channel = Support.notifications.getNotificationChannel(ReminderPlan.CHANNEL_ID)
            assertEquals("Reminders", channel.name.toString())
            assertEquals("Check-ins and stocking reminders", channel.description)
        }
    }

    @Test
    fun a_tap_opens_the_app_with_the_reminder_id_and_the_app_reads_it_once() {
        RustBridge.plan(activity)
        val alarm = Support.scheduled().first()
        val id = Support.idOf(alarm)
        Support.fire(alarm)
        val n = shadowOf(Support.notifications).allNotifications.single()
        val tap = Support.intentOf(n.contentIntent)
        assertEquals(Support.LAUNCHER, tap.component?.className)
        assertEquals(id, tap.getStringExtra(ReminderPlan.EXTRA_ID))
        assertTrue(tap.flags and android.content.Intent.FLAG_ACTIVITY_NEW_TASK != 0)
        // The app started by that tap: Rust asks for the id once.
        activity.intent = tap
        val module = AftercareReminders(activity)
        assertEquals(id, module.takeLaunchReminder())
        assertEquals("", module.takeLaunchReminder())
    }

    @Test
    fun two_reminders_are_two_notifications_each_with_its_own_tap() {
        RustBridge.plan(activity)
        val (a, b) = Support.scheduled().take(2)
        Support.fire(a)
        Support.fire(b)
        val posted = shadowOf(Support.notifications).allNotifications
        assertEquals(2, posted.size)
        val ids = posted.map { Support.intentOf(it.contentIntent).getStringExtra(ReminderPlan.EXTRA_ID) }
        assertEquals(setOf(Support.idOf(a), Support.idOf(b)), ids.toSet())
    }

    @Test
    fun what_kotlin_posted_is_read_by_the_rust_parser_recorded_and_not_armed_again() {
        val planned = RustBridge.plan(activity)
        val (a, b) = Support.scheduled().take(2)
        val before = System.currentTimeMillis()
        Support.fire(a)
        Support.fire(b)
        val after = System.currentTimeMillis()
        val lines = Support.deliveredLog.readLines()
        assertEquals(listOf(Support.idOf(a), Support.idOf(b)), lines.map { it.substringBefore('\t') })
        val imported = RustBridge.import(activity)
        val taken = imported.getJSONArray("taken")
        assertEquals(2, taken.length())
        for (i in 0 until 2) {
            val entry = taken.getJSONObject(i)
            assertEquals(lines[i].substringBefore('\t'), entry.getString("id"))
            val at = entry.getLong("at_ms")
            assertTrue("posted at $at", at in before..after)
        }
        assertEquals(2, imported.getInt("recorded"))
        assertFalse("the log is emptied once read", Support.deliveredLog.exists())
        val rearmed = Support.scheduled().map(Support::idOf)
        assertEquals(planned.ids - setOf(Support.idOf(a), Support.idOf(b)), rearmed)
        // Read again: nothing new, nothing recorded twice.
        assertEquals(0, RustBridge.import(activity).getInt("recorded"))
    }

    @Test
    fun with_notifications_off_nothing_is_posted_and_nothing_logged_as_delivered() {
        RustBridge.plan(activity)
        shadowOf(Support.notifications).setNotificationsEnabled(false)
        Support.fire(Support.scheduled().first())
        assertTrue(shadowOf(Support.notifications).allNotifications.isEmpty())
        assertFalse(Support.deliveredLog.exists())
        assertEquals(
            "error: notifications are off",
            AftercareReminders(activity).showNow("test", "Test", "A test reminder"),
        )
    }

    @Test
    fun a_test_reminder_is_shown_now() {
        assertEquals("shown", AftercareReminders(activity).showNow("test:1", "Test", "Body"))
        val n = shadowOf(Support.notifications).getNotification("test:1", ReminderPlan.NOTIFICATION_ID)
        assertEquals("Body", n.extras.getString(Notification.EXTRA_TEXT))
    }

    @Test
    fun an_alarm_intent_without_a_reminder_posts_nothing() {
        AlarmReceiver().onReceive(Support.app, android.content.Intent())
        assertTrue(shadowOf(Support.notifications).allNotifications.isEmpty())
        assertFalse(Support.deliveredLog.exists())
    }
}

/** Android 8+: the patient blocked the reminder channel. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class BlockedChannelTest {
    @Test
    fun a_blocked_channel_is_reported_and_nothing_is_logged_as_delivered() {
        val activity = Support.activity()
        shadowOf(Support.app).grantPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
        Support.notifications.createNotificationChannel(
            android.app.NotificationChannel(
                ReminderPlan.CHANNEL_ID, "Reminders",
                android.app.NotificationManager.IMPORTANCE_NONE,
            ),
        )
        val module = AftercareReminders(activity)
        assertTrue(module.status(), module.status().startsWith("allowed=false"))
        assertEquals("error: notifications are off", module.showNow("x", "T", "B"))
        assertFalse(Support.deliveredLog.exists())
    }
}
