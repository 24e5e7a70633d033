package org.aftercare.reminders

import android.Manifest
import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.provider.MediaStore
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * An invisible Activity that runs one request of [AftercareCapture]: the camera app
 * (ACTION_IMAGE_CAPTURE, writing into a FileProvider URI in the cache's `capture/` folder),
 * the photo picker (ACTION_PICK_IMAGES on Android 13+, else ACTION_GET_CONTENT image/\*), or
 * the document picker (ACTION_OPEN_DOCUMENT). It copies what the patient chose to the path
 * Rust gave, completes the request's future ("ok", "cancelled" or "error: …") and finishes.
 *
 * dx's own Activity offers no onActivityResult hook, hence this one.
 */
class CaptureActivity : Activity() {
    companion object {
        const val EXTRA_ID = "org.aftercare.capture.ID"
        const val EXTRA_MODE = "org.aftercare.capture.MODE"
        const val EXTRA_OUT = "org.aftercare.capture.OUT"

        private const val REQUEST_RESULT = 7401
        private const val REQUEST_CAMERA_PERMISSION = 7402
        private const val STATE_STARTED = "org.aftercare.capture.STARTED"

        private val ids = AtomicLong()
        private val requests = ConcurrentHashMap<Long, CompletableFuture<String>>()

        /** Registers a new request and returns its id. */
        fun newRequest(): Long {
            val id = ids.incrementAndGet()
            requests[id] = CompletableFuture()
            return id
        }

        /** The future of request [id], while it is open. */
        fun pending(id: Long): CompletableFuture<String>? = requests[id]

        /** Answers request [id] once; later answers are ignored. */
        fun complete(id: Long, result: String) {
            requests.remove(id)?.complete(result)
        }
    }

    private var id = -1L
    private var mode = ""
    private var out: File? = null
    private var started = false
    private var answered = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        id = intent.getLongExtra(EXTRA_ID, -1L)
        mode = intent.getStringExtra(EXTRA_MODE) ?: ""
        out = intent.getStringExtra(EXTRA_OUT)?.let { File(it) }
        // Recreated while the picker is open (the system reclaimed this Activity): the result
        // still comes to onActivityResult; starting the picker again would open a second one.
        started = savedInstanceState?.getBoolean(STATE_STARTED) ?: false
        if (!started) {
            started = true
            start()
        }
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        outState.putBoolean(STATE_STARTED, started)
    }

    private fun start() {
        try {
            when (mode) {
                "camera" ->
                    if (needsCameraPermission()) {
                        requestPermissions(
                            arrayOf(Manifest.permission.CAMERA), REQUEST_CAMERA_PERMISSION,
                        )
                    } else {
                        openCamera()
                    }
                "image" -> startActivityForResult(imagePicker(), REQUEST_RESULT)
                "document" -> startActivityForResult(documentPicker(), REQUEST_RESULT)
                else -> answer("error: unknown picker mode '$mode'")
            }
        } catch (e: ActivityNotFoundException) {
            answer("error: no app on this phone can do this")
        } catch (e: Throwable) {
            answer("error: ${e.message}")
        }
    }

    /**
     * CAMERA is needed only when the app's manifest declares it (then ACTION_IMAGE_CAPTURE
     * refuses to start without it). Aftercare does not declare it; this guards a merge that
     * brings it in.
     */
    @Suppress("DEPRECATION")
    private fun needsCameraPermission(): Boolean {
        val declared = try {
            packageManager.getPackageInfo(packageName, PackageManager.GET_PERMISSIONS)
                .requestedPermissions?.contains(Manifest.permission.CAMERA) == true
        } catch (e: Throwable) {
            false
        }
        return declared &&
            checkSelfPermission(Manifest.permission.CAMERA) != PackageManager.PERMISSION_GRANTED
    }

    private fun openCamera() {
        val file = out ?: return answer("error: no place for the photo")
        file.parentFile?.mkdirs()
        val uri = AftercareFileProvider.uriFor(this, file)
        val intent = Intent(MediaStore.ACTION_IMAGE_CAPTURE).apply {
            putExtra(MediaStore.EXTRA_OUTPUT, uri)
            // The ClipData carries the write grant to the camera app.
            clipData = ClipData.newRawUri("photo", uri)
            addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION or Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
        startActivityForResult(intent, REQUEST_RESULT)
    }

    private fun imagePicker(): Intent =
        if (Build.VERSION.SDK_INT >= 33) {
            Intent(MediaStore.ACTION_PICK_IMAGES).setType("image/*")
        } else {
            Intent(Intent.ACTION_GET_CONTENT)
                .setType("image/*")
                .addCategory(Intent.CATEGORY_OPENABLE)
        }

    private fun documentPicker(): Intent =
        Intent(Intent.ACTION_OPEN_DOCUMENT)
            .addCategory(Intent.CATEGORY_OPENABLE)
            .setType("*/*")

    override fun onRequestPermissionsResult(
        requestCode: Int,
        permissions: Array<out String>,
        grantResults: IntArray,
    ) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (requestCode != REQUEST_CAMERA_PERMISSION) return
        if (grantResults.isNotEmpty() && grantResults[0] == PackageManager.PERMISSION_GRANTED) {
            try {
                openCamera()
            } catch (e: ActivityNotFoundException) {
                answer("error: this phone has no camera app")
            } catch (e: Throwable) {
                answer("error: ${e.message}")
            }
        } else {
            answer("error: the camera permission was refused; allow it in the system settings")
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode != REQUEST_RESULT) return
        if (resultCode != RESULT_OK) return answer("cancelled")
        val file = out ?: return answer("error: no place for the result")
        if (mode == "camera") {
            return answer(
                if (file.length() > 0) "ok" else "error: the camera app returned no photo",
            )
        }
        val uri = data?.data ?: return answer("cancelled")
        // Copying a large file is disk work: off the UI thread.
        Thread {
            val result = try {
                copy(uri, file)
                "ok"
            } catch (e: Throwable) {
                "error: ${e.message}"
            }
            runOnUiThread { answer(result) }
        }.start()
    }

    private fun copy(uri: Uri, file: File) {
        file.parentFile?.mkdirs()
        val input = contentResolver.openInputStream(uri)
            ?: throw IOException("the chosen item cannot be read")
        input.use { from -> FileOutputStream(file).use { to -> from.copyTo(to) } }
    }

    private fun answer(result: String) {
        if (!answered) {
            answered = true
            complete(id, result)
        }
        finish()
    }

    override fun onDestroy() {
        // Closed without an answer (the system or the patient ended it): cancelled, so the
        // waiting Rust thread never hangs.
        if (isFinishing && !answered) {
            answered = true
            complete(id, "cancelled")
        }
        super.onDestroy()
    }
}
