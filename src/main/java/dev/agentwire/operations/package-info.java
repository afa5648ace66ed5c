/**
 * Operations: what tells the people who run AgentWire whether events reach users. {@code
 * /health/live} and {@code /health/ready} (MicroProfile Health's JSON, on every server) and {@code
 * /metrics} (the Prometheus text format), and the one metrics registry the other packages count
 * into. It reads the other packages; none of them depends on it.
 */
package dev.agentwire.operations;
