package org.aftercare.reminders

import android.content.ClipData
import android.content.Intent
import android.net.Uri
import android.provider.OpenableColumns
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.io.File
import java.io.FileNotFoundException
import java.nio.file.Files

/** The share sheet, and the provider that serves the shared file and nothing else. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [24, 34, 35])
class ShareTest {
    private val activity = Support.activity()
    private val provider = Robolectric.setupContentProvider(
        AftercareFileProvider::class.java, AftercareFileProvider.authority(Support.app),
    )
    private val report = "%PDF-1.7 report".toByteArray()

    /** A file staged as Rust stages it: `cache/shared/<name>`. */
    private fun staged(name: String, bytes: ByteArray = report): File {
        val dir = File(Support.app.cacheDir, "shared").apply { mkdirs() }
        return File(dir, name).apply { writeBytes(bytes) }
    }

    /** A private file the provider must never serve. */
    private fun secret(): File =
        File(Support.app.filesDir, "store-secret").apply { writeText("private") }

    private fun opens(uri: Uri): Boolean = try {
        Support.app.contentResolver.openInputStream(uri)?.use { it.readBytes() }
        true
    } catch (e: FileNotFoundException) {
        false
    } catch (e: SecurityException) {
        false
    }

    private fun chooser(): Intent {
        Support.idle()
        val started = shadowOf(activity).nextStartedActivity
        assertNotNull("the chooser was started", started)
        assertEquals(Intent.ACTION_CHOOSER, started.action)
        return started
    }

    @Test
    fun the_chooser_offers_the_file_with_its_type_and_a_read_grant_only() {
        val file = staged("aftercare-report.pdf")
        val line = AftercareShare(activity).shareFile(file.path, "application/pdf", "Share with your clinic")
        assertEquals("opened", line)
        val chooser = chooser()
        assertEquals("Share with your clinic", chooser.getCharSequenceExtra(Intent.EXTRA_TITLE).toString())
        @Suppress("DEPRECATION")
        val send = chooser.getParcelableExtra<Intent>(Intent.EXTRA_INTENT)!!
        assertEquals(Intent.ACTION_SEND, send.action)
        assertEquals("application/pdf", send.type)
        @Suppress("DEPRECATION")
        val uri = send.getParcelableExtra<Uri>(Intent.EXTRA_STREAM)!!
        assertEquals(
            "content://${AftercareFileProvider.authority(Support.app)}/shared/aftercare-report.pdf",
            uri.toString(),
        )
        val clip: ClipData = send.clipData!!
        assertEquals(1, clip.itemCount)
        assertEquals(uri, clip.getItemAt(0).uri)
        assertTrue(send.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION != 0)
        assertEquals(0, send.flags and Intent.FLAG_GRANT_WRITE_URI_PERMISSION)
        assertEquals(0, send.flags and Intent.FLAG_GRANT_PERSISTABLE_URI_PERMISSION)
        assertEquals("aftercare-report.pdf", send.getStringExtra(Intent.EXTRA_SUBJECT))
    }

    @Test
    fun the_content_uri_resolves_to_the_staged_file_with_its_name_size_and_type() {
        val file = staged("log.csv", "date,wear\n".toByteArray())
        val uri = AftercareFileProvider.uriFor(Support.app, file)
        val read = Support.app.contentResolver.openInputStream(uri)!!.use { it.readBytes() }
        assertArrayEquals(file.readBytes(), read)
        assertEquals("text/csv", Support.app.contentResolver.getType(uri))
        Support.app.contentResolver.query(uri, null, null, null, null)!!.use { c ->
            assertTrue(c.moveToFirst())
            assertEquals("log.csv", c.getString(c.getColumnIndexOrThrow(OpenableColumns.DISPLAY_NAME)))
            assertEquals(file.length(), c.getLong(c.getColumnIndexOrThrow(OpenableColumns.SIZE)))
        }
    }

    @Test
    fun a_file_outside_the_share_folder_is_not_offered() {
        val line = AftercareShare(activity).shareFile(secret().path, "text/plain", "Share")
        assertTrue(line, line.startsWith("error: "))
        Support.idle()
        assertEquals(null, shadowOf(activity).nextStartedActivity)
        try {
            AftercareFileProvider.uriFor(Support.app, File(Support.app.cacheDir, "shared/../../files/store-secret"))
            fail("a path out of the folder got a URI")
        } catch (e: IllegalArgumentException) {
            // As it should.
        }
    }

    @Test
    fun a_missing_file_is_an_error_line() {
        val line = AftercareShare(activity).shareFile(
            File(Support.app.cacheDir, "shared/gone.pdf").path, "application/pdf", "Share",
        )
        assertEquals("error: the file to share is missing", line)
    }

    @Test
    fun dot_dot_and_other_crafted_uris_reach_nothing_outside_the_share_folder() {
        secret()
        staged("ok.pdf")
        assertTrue(opens(Support.providerUri("shared/ok.pdf")))
        val crafted = listOf(
            "shared/..%2F..%2Ffiles%2Fstore-secret",
            "shared/%2E%2E%2F%2E%2E%2Ffiles%2Fstore-secret",
            "shared/../../files/store-secret",
            "shared/..",
            "shared/",
            "files/store-secret",
            "shared/ok.pdf/../../files/store-secret",
            "capture/../../files/store-secret",
            "../files/store-secret",
            "shared/ok.pdf%00",
        )
        for (path in crafted) {
            assertFalse("served $path", opens(Support.providerUri(path)))
        }
        val other = Uri.parse("content://org.example.other/shared/ok.pdf")
        assertEquals(null, AftercareFileProvider.fileFor(Support.app, other))
    }

    @Test
    fun a_symlink_in_the_share_folder_to_a_private_file_is_not_served() {
        val link = File(Support.app.cacheDir, "shared/link.pdf")
        link.parentFile!!.mkdirs()
        Files.createSymbolicLink(link.toPath(), secret().toPath())
        assertFalse(opens(Support.providerUri("shared/link.pdf")))
        val line = AftercareShare(activity).shareFile(link.path, "application/pdf", "Share")
        assertTrue(line, line.startsWith("error: "))
        // A symlinked folder does not widen what is served either.
        val dir = File(Support.app.cacheDir, "shared/sub")
        Files.createSymbolicLink(dir.toPath(), Support.app.filesDir.toPath())
        assertFalse(opens(Support.providerUri("shared/sub%2Fstore-secret")))
    }

    @Test
    fun the_provider_writes_nothing_but_a_camera_output_and_refuses_other_changes() {
        val uri = Support.providerUri("capture/photo-1.jpg")
        File(Support.app.cacheDir, "capture").mkdirs()
        Support.app.contentResolver.openOutputStream(uri)!!.use { it.write(byteArrayOf(1, 2, 3)) }
        assertArrayEquals(byteArrayOf(1, 2, 3), File(Support.app.cacheDir, "capture/photo-1.jpg").readBytes())
        // A shared export is read-only, even for an app that holds a grant on it.
        val shared = staged("report.csv", "a,b\n".toByteArray())
        val sharedUri = AftercareFileProvider.uriFor(Support.app, shared)
        try {
            provider.openFile(sharedUri, "w").close()
            fail("opened a shared export for writing through the provider")
        } catch (e: FileNotFoundException) {
            // As it should.
        }
        assertEquals("a,b\n", shared.readText())
        try {
            provider.delete(uri, null, null)
            fail("deleted through the provider")
        } catch (e: UnsupportedOperationException) {
            // As it should.
        }
    }
}
