/**
 * AgentWire's health checks as MicroProfile Health checks, so that a server with MicroProfile
 * Health (Payara, WildFly, Open Liberty) also lists them in its own {@code /health}. The only
 * classes that link against MicroProfile Health: on a server without it, CDI cannot load them and
 * skips them, and {@code <context-root>/health} serves the same checks anyway.
 */
package dev.agentwire.operations.microprofile;
