package org.aftercare.reminders

import android.Manifest.permission.POST_NOTIFICATIONS
import android.provider.Settings
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** Android 13+: POST_NOTIFICATIONS is asked for at run time. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class NotificationPermissionTest {
    private val activity = Support.activity()

    @org.junit.Before
    fun exactAlarmsDenied() =
        org.robolectric.shadows.ShadowAlarmManager.setCanScheduleExactAlarms(false)

    @Test
    fun denied_the_app_is_told_notifications_are_not_allowed_and_it_asks() {
        shadowOf(Support.app).denyPermissions(POST_NOTIFICATIONS)
        val module = AftercareReminders(activity)
        assertEquals("allowed=false exact=false", module.status())
        assertEquals("asked", module.requestPermission())
        Support.idle()
        val asked = shadowOf(activity).lastRequestedPermission
        assertEquals(listOf(POST_NOTIFICATIONS), asked.requestedPermissions.toList())
        assertEquals("error: notifications are off", module.showNow("x", "T", "B"))
        assertEquals(0, shadowOf(Support.notifications).allNotifications.size)
    }

    @Test
    fun granted_the_app_is_told_they_are_allowed() {
        shadowOf(Support.app).grantPermissions(POST_NOTIFICATIONS)
        val module = AftercareReminders(activity)
        assertEquals("allowed=true exact=false", module.status())
        assertEquals("granted", module.requestPermission())
    }

    @Test
    fun granted_but_turned_off_in_settings_the_app_opens_the_settings_page() {
        shadowOf(Support.app).grantPermissions(POST_NOTIFICATIONS)
        shadowOf(Support.notifications).setNotificationsEnabled(false)
        val module = AftercareReminders(activity)
        assertEquals("allowed=false exact=false", module.status())
        assertEquals("settings", module.requestPermission())
        Support.idle()
        val started = shadowOf(activity).nextStartedActivity
        assertEquals(Settings.ACTION_APP_NOTIFICATION_SETTINGS, started.action)
        assertEquals(activity.packageName, started.getStringExtra(Settings.EXTRA_APP_PACKAGE))
    }
}

/** Android 7: no run-time permission, exact alarms always allowed. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24])
class OldestSupportedLevelTest {
    private val activity = Support.activity()

    @Test
    fun notifications_need_no_permission_and_alarms_are_exact() {
        val module = AftercareReminders(activity)
        assertEquals("allowed=true exact=true", module.status())
        assertEquals("granted", module.requestPermission())
        assertEquals("not needed", module.openExactAlarmSettings())
        Support.idle()
        assertNull(shadowOf(activity).nextStartedActivity)
    }

    @Test
    fun turned_off_in_settings_is_reported() {
        shadowOf(Support.notifications).setNotificationsEnabled(false)
        assertEquals("allowed=false exact=true", AftercareReminders(activity).status())
    }
}
