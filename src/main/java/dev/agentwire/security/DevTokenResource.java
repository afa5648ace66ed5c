package dev.agentwire.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hands out tokens for any user name, so that the demo page works without an identity provider. It
 * exists only when {@code agentwire.dev-mode=true}; otherwise it answers 404 like any unknown path.
 */
@Path("dev/token")
public class DevTokenResource {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  @Inject Authenticator authenticator;

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response issue(@QueryParam("user") String user) {
    if (!authenticator.devMode()) {
      throw new NotFoundException();
    }
    if (user == null || !USER.matcher(user).matches()) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(Map.of("error", "user must be 1 to 64 of A-Z a-z 0-9 . _ @ -"))
          .build();
    }
    String token = authenticator.devToken(user).orElseThrow(NotFoundException::new);
    return Response.ok(
            Map.of("token", token, "expires_in", Authenticator.DEV_TOKEN_LIFETIME.toSeconds()))
        .build();
  }
}
