package org.aftercare.reminders

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import android.webkit.MimeTypeMap
import java.io.File
import java.io.FileNotFoundException
import java.io.IOException

/**
 * Turns files in two folders of the app's private cache into content:// URIs: `shared/` (a
 * file the patient is sharing, read by the app they pick) and `capture/` (where the camera app
 * writes a new photo). Nothing else of the app's files can be reached through it.
 *
 * The module's own, on framework APIs only (androidx's FileProvider is not used: see
 * android/README.md). A URI is `content://AUTHORITY/<folder>/<file name>`; a path is served
 * only when its canonical form (symlinks resolved, `..` removed) is a regular file directly
 * inside one of the two folders' canonical paths. The manifest declares it not exported with
 * `grantUriPermissions`, so another app reads or writes only the one URI it was granted.
 */
class AftercareFileProvider : ContentProvider() {
    companion object {
        /** The folders served, by their name in a URI: each is `cacheDir/<name>`. */
        /** The one folder whose files the provider lets another app write: camera output. */
        const val CAPTURE = "capture"
        val FOLDERS = listOf("shared", CAPTURE)

        /** The authority declared in the manifest: `${applicationId}.aftercare.files`. */
        fun authority(context: Context): String = context.packageName + ".aftercare.files"

        /**
         * The content URI of [file], or an [IllegalArgumentException] when it does not lie
         * directly inside one of the served folders (checked on canonical paths).
         */
        fun uriFor(context: Context, file: File): Uri {
            val canonical = file.canonicalFile
            for (name in FOLDERS) {
                val folder = File(context.cacheDir, name).canonicalFile
                if (canonical.parentFile == folder) {
                    return Uri.Builder()
                        .scheme("content")
                        .authority(authority(context))
                        .appendPath(name)
                        .appendPath(canonical.name)
                        .build()
                }
            }
            throw IllegalArgumentException("not in a shared folder: $file")
        }

        /**
         * The file [uri] names, or null: the URI must be this provider's, name one served
         * folder and one file name, and resolve (after symlinks) to a file directly inside
         * that folder.
         */
        fun fileFor(context: Context, uri: Uri): File? {
            if (uri.scheme != "content" || uri.authority != authority(context)) return null
            val segments = uri.pathSegments ?: return null
            if (segments.size != 2) return null
            val (folderName, fileName) = segments
            if (folderName !in FOLDERS) return null
            if (fileName.isEmpty() || fileName == "." || fileName == ".." ||
                fileName.contains('/') || fileName.contains('\u0000')
            ) {
                return null
            }
            return try {
                val folder = File(context.cacheDir, folderName).canonicalFile
                val file = File(folder, fileName).canonicalFile
                if (file.parentFile == folder) file else null
            } catch (e: IOException) {
                null
            }
        }
    }

    override fun onCreate(): Boolean = true

    private fun fileOrThrow(uri: Uri): File {
        val context = context ?: throw FileNotFoundException("no context")
        return fileFor(context, uri) ?: throw FileNotFoundException("not served: $uri")
    }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        val file = fileOrThrow(uri)
        val flags = ParcelFileDescriptor.parseMode(mode)
        val writing = flags != ParcelFileDescriptor.MODE_READ_ONLY
        // Only a camera output in capture/ is written through the provider; a shared export
        // is read-only, whatever grant the receiving app holds.
        if (writing && uri.pathSegments.firstOrNull() != CAPTURE) {
            throw FileNotFoundException("read-only: $uri")
        }
        // Reading needs an existing regular file; the camera app may write a new one.
        if (!writing && !file.isFile) throw FileNotFoundException("missing: $uri")
        if (file.exists() && !file.isFile) throw FileNotFoundException("not a file: $uri")
        return ParcelFileDescriptor.open(file, flags)
    }

    override fun getType(uri: Uri): String {
        val name = uri.lastPathSegment ?: return "application/octet-stream"
        val ext = name.substringAfterLast('.', "").lowercase()
        return MimeTypeMap.getSingleton().getMimeTypeFromExtension(ext)
            ?: when (ext) {
                "json" -> "application/json"
                "csv" -> "text/csv"
                "ics" -> "text/calendar"
                "pdf" -> "application/pdf"
                "jpg", "jpeg" -> "image/jpeg"
                else -> "application/octet-stream"
            }
    }

    /** The display name and size that a receiving app asks for (OpenableColumns). */
    override fun query(
        uri: Uri,
        projection: Array<out String>?,
        selection: String?,
        selectionArgs: Array<out String>?,
        sortOrder: String?,
    ): Cursor {
        val file = fileOrThrow(uri)
        val columns = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)
        val known = columns.filter {
            it == OpenableColumns.DISPLAY_NAME || it == OpenableColumns.SIZE
        }
        val cursor = MatrixCursor(known.toTypedArray(), 1)
        cursor.addRow(
            known.map { if (it == OpenableColumns.DISPLAY_NAME) file.name else file.length() },
        )
        return cursor
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? =
        throw UnsupportedOperationException("read-only")

    override fun update(
        uri: Uri,
        values: ContentValues?,
        selection: String?,
        selectionArgs: Array<out String>?,
    ): Int = throw UnsupportedOperationException("read-only")

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("read-only")
}
