package org.aftercare.reminders

import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Looper
import java.util.concurrent.CompletableFuture

/**
 * What the Rust side calls to get a photo or a file from the patient
 * (src/platform/android_pickers.rs, through JNI): the camera, the photo picker, or the
 * document picker, each run by [CaptureActivity]. Returns a short string and never throws.
 */
class AftercareCapture(private val activity: Activity) {
    /**
     * Starts [CaptureActivity] in [mode] ("camera", "image" or "document") and waits, without
     * polling, until it finishes. The chosen photo or file is written to [outPath] (in the
     * cache's `capture/` folder). Returns "ok", "cancelled" or "error: …".
     *
     * Blocks: call it only from a background thread, never from the UI thread (it refuses).
     */
    fun capture(mode: String, outPath: String): String {
        if (Looper.myLooper() == Looper.getMainLooper()) {
            return "error: the picker was asked for on the UI thread"
        }
        val id = CaptureActivity.newRequest()
        val result: CompletableFuture<String> = CaptureActivity.pending(id)
            ?: return "error: the picker request was lost"
        return try {
            activity.runOnUiThread {
                try {
                    activity.startActivity(
                        Intent(activity, CaptureActivity::class.java)
                            .putExtra(CaptureActivity.EXTRA_ID, id)
                            .putExtra(CaptureActivity.EXTRA_MODE, mode)
                            .putExtra(CaptureActivity.EXTRA_OUT, outPath),
                    )
                } catch (e: Throwable) {
                    CaptureActivity.complete(id, "error: ${e.message}")
                }
            }
            result.get()
        } catch (e: Throwable) {
            CaptureActivity.complete(id, "error: ${e.message}")
            "error: ${e.message}"
        }
    }

    /**
     * "true" when the phone has any camera at all (a tablet may have none), else "false".
     * A string, as every method Rust binds here returns.
     */
    fun cameraAvailable(): String = try {
        activity.packageManager.hasSystemFeature(PackageManager.FEATURE_CAMERA_ANY).toString()
    } catch (e: Throwable) {
        "false"
    }
}
