package org.aftercare.reminders

import android.app.Activity
import org.json.JSONObject
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption

/**
 * The Rust side of the Android module, built for this machine (tests/jni-host) and loaded
 * into the test's JVM: it plans reminders with the app's own code, writes the plan file and
 * arms it by calling [AftercareReminders.armPlan] through real JNI, as the phone app does.
 *
 * `scripts/test-android` builds the library and passes its path as `aftercare.bridge`; without
 * it these tests fail (they are never skipped).
 */
object RustBridge {
    init {
        val built = System.getProperty("aftercare.bridge").orEmpty()
        require(built.isNotEmpty() && File(built).isFile) {
            "aftercare.bridge must name the host library built from tests/jni-host " +
                "(scripts/test-android builds it); got '$built'"
        }
        // Robolectric gives each SDK level its own class loader, and a JVM loads one library
        // file into one class loader only: each loader gets its own copy.
        val copy = Files.createTempFile("aftercare-jni-host", ".so")
        Files.copy(File(built).toPath(), copy, StandardCopyOption.REPLACE_EXISTING)
        copy.toFile().deleteOnExit()
        System.load(copy.toString())
    }

    /**
     * Plans [sessions] sessions of [days] days in [zone] at [nowMs], writes the plan file into
     * [filesDir] and arms it through JNI; JSON `{"ids":[…],"at_ms":[…],"armed":"…"}`, or
     * "error: …".
     */
    external fun planAndArm(
        activity: Activity,
        filesDir: String,
        nowMs: Long,
        zone: String,
        sessions: Int,
        days: Int,
        morningNote: Boolean,
    ): String

    /**
     * Reads the delivered log Kotlin wrote with the Rust parser, records it in the app of the
     * last [planAndArm] and arms again: `{"taken":[{"id","at_ms"}],"recorded":N,"log":[…],
     * "ids":[…],"armed":"…"}`, or "error: …".
     */
    external fun importDelivered(activity: Activity, filesDir: String): String

    /** [planAndArm], with its answer checked and parsed. */
    fun plan(
        activity: Activity,
        sessions: Int = 1,
        days: Int = 14,
        morningNote: Boolean = false,
        nowMs: Long = System.currentTimeMillis(),
        zone: String = "Europe/Berlin",
    ): Planned {
        val answer = planAndArm(
            activity, activity.filesDir.path, nowMs, zone, sessions, days, morningNote,
        )
        check(!answer.startsWith("error: ")) { answer }
        val json = JSONObject(answer)
        val ids = json.getJSONArray("ids")
        val at = json.getJSONArray("at_ms")
        return Planned(
            (0 until ids.length()).map { ids.getString(it) },
            (0 until at.length()).map { at.getLong(it) },
            json.getString("armed"),
        )
    }

    /** [importDelivered], with its answer checked and parsed. */
    fun import(activity: Activity): JSONObject {
        val answer = importDelivered(activity, activity.filesDir.path)
        check(!answer.startsWith("error: ")) { answer }
        return JSONObject(answer)
    }
}

/** What Rust planned: reminder ids and instants in plan order, and Kotlin's summary line. */
data class Planned(val ids: List<String>, val atMs: List<Long>, val armed: String)
