package org.aftercare.reminders

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.w3c.dom.Element
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/** The module's AndroidManifest.xml, as the Android Gradle plugin merges it into the app. */
class ManifestFile(private val root: Element) {
    companion object {
        private const val NS = "http://schemas.android.com/apk/res/android"

        fun read(): ManifestFile {
            val path = System.getProperty("aftercare.manifest").orEmpty()
            require(File(path).isFile) { "aftercare.manifest must name the manifest; got '$path'" }
            val factory = DocumentBuilderFactory.newInstance().apply { isNamespaceAware = true }
            return ManifestFile(factory.newDocumentBuilder().parse(File(path)).documentElement)
        }
    }

    private fun elements(tag: String): List<Element> {
        val nodes = root.getElementsByTagName(tag)
        return (0 until nodes.length).map { nodes.item(it) as Element }
    }

    private fun Element.android(name: String): String = getAttributeNS(NS, name)

    val permissions: Set<String> get() = elements("uses-permission").map { it.android("name") }.toSet()

    /** Each component: its tag and the class it names (`.X` is in the module's namespace). */
    val components: List<Pair<String, String>>
        get() = listOf("activity", "receiver", "provider", "service").flatMap { tag ->
            elements(tag).map { tag to it.android("name") }
        }

    fun component(name: String): Element =
        listOf("activity", "receiver", "provider").flatMap(::elements).single { it.android("name") == name }

    val rearmActions: Set<String>
        get() {
            val actions = component(".RearmReceiver").getElementsByTagName("action")
            return (0 until actions.length).map { (actions.item(it) as Element).android("name") }.toSet()
        }

    fun attribute(component: String, name: String): String = component(component).android(name)
}

/** Plain JUnit: what the manifest declares matches the compiled classes. */
class ManifestTest {
    private val manifest = ManifestFile.read()

    @Test
    fun every_declared_component_is_a_compiled_class_of_its_kind() {
        val kinds = mapOf(
            "activity" to android.app.Activity::class.java,
            "receiver" to android.content.BroadcastReceiver::class.java,
            "provider" to android.content.ContentProvider::class.java,
        )
        assertEquals(4, manifest.components.size)
        for ((tag, name) in manifest.components) {
            val cls = Class.forName("org.aftercare.reminders" + name, false, javaClass.classLoader)
            assertTrue("$name is a $tag", kinds.getValue(tag).isAssignableFrom(cls))
        }
    }

    @Test
    fun only_the_rearm_receiver_is_exported_and_the_provider_grants_per_uri() {
        assertEquals("true", manifest.attribute(".RearmReceiver", "exported"))
        assertEquals("false", manifest.attribute(".AlarmReceiver", "exported"))
        assertEquals("false", manifest.attribute(".CaptureActivity", "exported"))
        assertEquals("false", manifest.attribute(".AftercareFileProvider", "exported"))
        assertEquals("true", manifest.attribute(".AftercareFileProvider", "grantUriPermissions"))
        assertEquals(
            "\${applicationId}.aftercare.files",
            manifest.attribute(".AftercareFileProvider", "authorities"),
        )
        assertEquals(".aftercare.files", AftercareFileProvider.authority(Fake).removePrefix(Fake.packageName))
    }

    @Test
    fun the_permissions_are_those_reminders_need_and_no_network_or_camera() {
        assertEquals(
            setOf(
                "android.permission.POST_NOTIFICATIONS",
                "android.permission.SCHEDULE_EXACT_ALARM",
                "android.permission.RECEIVE_BOOT_COMPLETED",
            ),
            manifest.permissions,
        )
        assertFalse("android.permission.INTERNET" in manifest.permissions)
    }

    /** Just enough of a Context for the authority: its package name. */
    private object Fake : android.content.ContextWrapper(null) {
        override fun getPackageName(): String = "org.example.app"
    }
}
