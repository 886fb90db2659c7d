/**
 * Fixture builders for tests and benchmarks: Java or smali sources to dex, binary manifests, APKs and synthetic ROMs built in code, native oracle runners, and fetchers for real third-party inputs pinned by SHA-256. Cross-module and end-to-end tests live in this module's test sources.
 */
package dev.untrack.testkit;
