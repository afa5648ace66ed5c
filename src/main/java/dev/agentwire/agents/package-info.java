/**
 * The agent and tool SPI, and the agents and tools AgentWire ships. An application plugs in its own
 * by writing CDI beans that implement {@link dev.agentwire.agents.Agent} or {@link
 * dev.agentwire.agents.Tool}; the container finds them.
 */
package dev.agentwire.agents;
