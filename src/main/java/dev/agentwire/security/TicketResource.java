package dev.agentwire.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code POST <context-root>/api/tickets} with {@code Authorization: Bearer <token>}: a connect
 * ticket for the token's user, {@code {"ticket":"…","expires_in":30}}, to be used once as {@code
 * ?ticket=} on the WebSocket URL. A token that does not verify gets 401, as at the handshake.
 * Neither tokens nor tickets are ever logged.
 */
@Path("tickets")
public class TicketResource {

  @Inject Authenticator authenticator;
  @Inject ConnectTickets tickets;

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response issue(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    Authenticator.UserPrincipal user;
    try {
      user = authenticator.authenticateBearer(authorization);
    } catch (HandshakeRejected e) {
      return Response.status(e.status())
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
          .type(MediaType.APPLICATION_JSON)
          .entity(Map.of("error", e.getMessage()))
          .build();
    }
    return tickets
        .issue(user)
        .map(
            ticket ->
                Response.ok(Map.of("ticket", ticket, "expires_in", ConnectTickets.TTL.toSeconds()))
                    .header("Cache-Control", "no-store")
                    .build())
        .orElseGet(
            () ->
                Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "5")
                    .entity(Map.of("error", "too many tickets outstanding; retry"))
                    .build());
  }
}
