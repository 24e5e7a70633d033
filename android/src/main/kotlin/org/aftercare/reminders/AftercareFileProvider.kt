package org.aftercare.reminders

import android.content.Context
import androidx.core.content.FileProvider

/**
 * The FileProvider that turns files in the cache's `shared/` and `capture/` folders into
 * content:// URIs (see res/xml/aftercare_file_paths.xml). Its own class, so that the merged
 * manifest never holds two providers named androidx.core.content.FileProvider.
 */
class AftercareFileProvider : FileProvider() {
    companion object {
        /** The authority declared in the manifest: `${applicationId}.aftercare.files`. */
        fun authority(context: Context): String = context.packageName + ".aftercare.files"
    }
}
