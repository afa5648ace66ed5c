package dev.agentwire;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Mounts AgentWire's HTTP API under {@code /api}. */
@ApplicationPath("api")
public class AgentWireApi extends Application {}
