// The Android side of Aftercare's reminders, bound to the Rust crate with manganis::ffi
// (src/platform/android_reminders.rs). `dx bundle --platform android` copies this module into
// the generated Gradle project as :plugins:aftercarereminders and depends on it; the plugin
// versions below are stripped by dx in favour of the generated project's own.
plugins {
    id("com.android.library") version "8.7.0"
    kotlin("android") version "2.0.20"
}

android {
    namespace = "org.aftercare.reminders"
    compileSdk = 34

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    kotlinOptions {
        jvmTarget = "17"
    }
}

// Framework APIs only, so no dependencies: no androidx (android/README.md says why). The JVM
// tests under src/test run with Maven and Robolectric (pom.xml, scripts/test-android).
