/**
 * The static telemetry checker: signature packs (the Xiaomi pack, Exodus JSON), defined vs referenced classes, string and host anchors, call-site classification (live, gated, neutralized), settings-key audit, signature status, and reports (text, JSON, SARIF, HTML). Independent of the patcher: it judges only the bytes it is given.
 */
package dev.untrack.checker;
