package org.aftercare.reminders

import android.app.Activity
import android.content.ClipData
import android.content.Intent
import android.util.Log
import java.io.File

/**
 * The system share sheet, called by the Rust side (src/platform/phone_share.rs, through JNI).
 * Rust writes the file into the cache's `shared/` folder first; this class only hands it to
 * the app the patient picks. Returns a short string and never throws.
 */
class AftercareShare(private val activity: Activity) {
    /**
     * Opens the share sheet for the file at [path] with its MIME type; [title] heads the sheet.
     * "opened", or "error: …" when the file cannot be offered.
     */
    fun shareFile(path: String, mime: String, title: String): String = try {
        val file = File(path)
        if (!file.isFile) {
            "error: the file to share is missing"
        } else {
            val uri = AftercareFileProvider.uriFor(activity, file)
            val send = Intent(Intent.ACTION_SEND).apply {
                type = mime
                putExtra(Intent.EXTRA_STREAM, uri)
                putExtra(Intent.EXTRA_SUBJECT, file.name)
                // The ClipData carries the read grant through the chooser to the chosen app.
                clipData = ClipData.newRawUri(file.name, uri)
                addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
            }
            val chooser = Intent.createChooser(send, title)
            activity.runOnUiThread {
                try {
                    activity.startActivity(chooser)
                } catch (e: Throwable) {
                    Log.w(TAG, "the share sheet did not open", e)
                }
            }
            "opened"
        }
    } catch (e: Throwable) {
        "error: ${e.message}"
    }

    private companion object {
        const val TAG = "AftercareShare"
    }
}
