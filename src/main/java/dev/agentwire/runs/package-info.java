/**
 * Agent runs: accepting and cancelling them on behalf of a user (boundary), executing them on
 * container-managed threads with tool dispatch and limits (control), and their data (entity).
 * Nothing here knows about WebSockets: runs report through {@link
 * dev.agentwire.events.RunNotifier}.
 */
package dev.agentwire.runs;
