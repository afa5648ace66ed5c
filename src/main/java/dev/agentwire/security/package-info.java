/**
 * Who may open a stream: JWT verification and the origin policy applied to the WebSocket handshake
 * before any upgrade, the choice between tokens and a container-authenticated principal, and the
 * development-only token endpoint.
 */
package dev.agentwire.security;
