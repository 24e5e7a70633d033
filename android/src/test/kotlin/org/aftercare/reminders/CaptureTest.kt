package org.aftercare.reminders

import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.provider.MediaStore
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import java.io.File
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** The camera, the photo picker and the document picker, run by CaptureActivity. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24, 34, 35])
class CaptureTest {
    private val activity = Support.activity()
    private val out = File(Support.app.cacheDir, "capture/request-1.bin")

    init {
        Robolectric.setupContentProvider(
            AftercareFileProvider::class.java, AftercareFileProvider.authority(Support.app),
        )
    }

    private class Request(
        val future: CompletableFuture<String>,
        val controller: ActivityController<CaptureActivity>,
    ) {
        val activity: CaptureActivity get() = controller.get()

        /** The picker or camera intent it started. */
        fun started(): Intent = shadowOf(activity).nextStartedActivityForResult.intent

        /** The answer, waiting for the copy thread at most 10 s. */
        fun answer(): String {
            val until = System.currentTimeMillis() + 10_000
            while (!future.isDone && System.currentTimeMillis() < until) {
                Support.idle()
                Thread.sleep(10)
            }
            return future.get(1, TimeUnit.SECONDS)
        }
    }

    /** Starts CaptureActivity as AftercareCapture does, in [mode]. */
    private fun request(mode: String): Request {
        val id = CaptureActivity.newRequest()
        val future = CaptureActivity.pending(id)!!
        val intent = Intent(Support.app, CaptureActivity::class.java)
            .putExtra(CaptureActivity.EXTRA_ID, id)
            .putExtra(CaptureActivity.EXTRA_MODE, mode)
            .putExtra(CaptureActivity.EXTRA_OUT, out.path)
        return Request(future, Robolectric.buildActivity(CaptureActivity::class.java, intent).setup())
    }

    /** A file another app offers, as a content URI of the provider. */
    private fun offered(bytes: ByteArray): Uri {
        val file = File(Support.app.cacheDir, "shared/picked.json")
        file.parentFile!!.mkdirs()
        file.writeBytes(bytes)
        return AftercareFileProvider.uriFor(Support.app, file)
    }

    @Test
    fun a_picked_document_is_copied_to_the_output_path() {
        val r = request("document")
        val picker = r.started()
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, picker.action)
        assertEquals("*/*", picker.type)
        assertTrue(picker.hasCategory(Intent.CATEGORY_OPENABLE))
        val bytes = """{"format":"aftercare-backup"}""".toByteArray()
        shadowOf(r.activity).receiveResult(picker, Activity.RESULT_OK, Intent().setData(offered(bytes)))
        assertEquals("ok", r.answer())
        assertArrayEquals(bytes, out.readBytes())
        assertTrue(r.activity.isFinishing)
    }

    @Test
    fun a_cancelled_picker_answers_cancelled_and_writes_nothing() {
        val r = request("image")
        val picker = r.started()
        shadowOf(r.activity).receiveResult(picker, Activity.RESULT_CANCELED, null)
        assertEquals("cancelled", r.answer())
        assertFalse(out.exists())
    }

    @Test
    fun the_photo_picker_is_the_system_one_from_android_13_else_get_content() {
        val picker = request("image").started()
        if (Build.VERSION.SDK_INT >= 33) {
            assertEquals(MediaStore.ACTION_PICK_IMAGES, picker.action)
        } else {
            assertEquals(Intent.ACTION_GET_CONTENT, picker.action)
            assertTrue(picker.hasCategory(Intent.CATEGORY_OPENABLE))
        }
        assertEquals("image/*", picker.type)
    }

    @Test
    fun the_camera_writes_into_a_granted_content_uri_of_the_capture_folder() {
        val r = request("camera")
        val camera = r.started()
        assertEquals(MediaStore.ACTION_IMAGE_CAPTURE, camera.action)
        @Suppress("DEPRECATION")
        val target = camera.getParcelableExtra<Uri>(MediaStore.EXTRA_OUTPUT)!!
        assertEquals(out.canonicalFile, AftercareFileProvider.fileFor(Support.app, target))
        assertTrue(camera.flags and Intent.FLAG_GRANT_WRITE_URI_PERMISSION != 0)
        assertEquals(target, camera.clipData!!.getItemAt(0).uri)
        // The camera app writes the photo through the URI, then answers OK.
        Support.app.contentResolver.openOutputStream(target)!!.use { it.write(byteArrayOf(-1, -40, -1)) }
        shadowOf(r.activity).receiveResult(camera, Activity.RESULT_OK, null)
        assertEquals("ok", r.answer())
        assertArrayEquals(byteArrayOf(-1, -40, -1), out.readBytes())
    }

    @Test
    fun a_camera_that_answers_ok_without_a_photo_is_an_error() {
        val r = request("camera")
        shadowOf(r.activity).receiveResult(r.started(), Activity.RESULT_OK, null)
        assertEquals("error: the camera app returned no photo", r.answer())
    }

    @Test
    fun closed_without_a_result_the_request_is_cancelled_so_nothing_waits_forever() {
        val r = request("document")
        r.activity.finish()
        r.controller.pause().stop().destroy()
        assertEquals("cancelled", r.future.get(1, TimeUnit.SECONDS))
    }

    @Test
    fun recreated_while_the_picker_is_open_it_neither_answers_nor_opens_a_second_picker() {
        val r = request("document")
        val first = r.started()
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, first.action)
        r.controller.recreate()
        assertFalse("recreating is no answer", r.future.isDone)
        assertEquals(null, shadowOf(r.activity).nextStartedActivityForResult)
        // The result reaches the new instance.
        shadowOf(r.activity).receiveResult(first, Activity.RESULT_OK, Intent().setData(offered(byteArrayOf(7))))
        assertEquals("ok", r.answer())
    }

    @Test
    fun an_unknown_mode_is_an_error_answer() {
        assertEquals("error: unknown picker mode 'video'", request("video").answer())
    }

    @Test
    fun asked_on_the_ui_thread_capture_refuses_instead_of_blocking() {
        assertEquals(
            "error: the picker was asked for on the UI thread",
            AftercareCapture(activity).capture("document", out.path),
        )
    }

    @Test
    fun camera_availability_is_the_system_feature() {
        shadowOf(Support.app.packageManager).setSystemFeature(PackageManager.FEATURE_CAMERA_ANY, true)
        assertEquals("true", AftercareCapture(activity).cameraAvailable())
        shadowOf(Support.app.packageManager).setSystemFeature(PackageManager.FEATURE_CAMERA_ANY, false)
        assertEquals("false", AftercareCapture(activity).cameraAvailable())
    }

    @Test
    fun from_a_background_thread_capture_starts_the_activity_and_returns_its_answer() {
        val answer = CompletableFuture<String>()
        Thread { answer.complete(AftercareCapture(activity).capture("document", out.path)) }.start()
        // The request's Activity is started from the UI thread.
        var started: Intent? = null
        val until = System.currentTimeMillis() + 10_000
        while (started == null && System.currentTimeMillis() < until) {
            Support.idle()
            started = shadowOf(activity).nextStartedActivity
            Thread.sleep(10)
        }
        assertNotNull(started)
        assertEquals(CaptureActivity::class.java.name, started!!.component!!.className)
        // The patient closes it: the blocked thread gets "cancelled".
        val controller = Robolectric.buildActivity(CaptureActivity::class.java, started).setup()
        controller.get().finish()
        controller.pause().stop().destroy()
        assertEquals("cancelled", answer.get(10, TimeUnit.SECONDS))
    }
}
