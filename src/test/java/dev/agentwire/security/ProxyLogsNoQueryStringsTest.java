package dev.agentwire.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The nginx example in front of AgentWire logs requests without their query strings, where a
 * connect ticket or a token may travel: its server logs with its own format, and that format names
 * none of the variables that hold the query.
 */
class ProxyLogsNoQueryStringsTest {

  private static final Path NGINX = Path.of("docker", "nginx.conf");

  @Test
  void theAccessLogFormatHoldsNoQueryString() throws IOException {
    String conf = Files.readString(NGINX);
    Matcher format = Pattern.compile("log_format\\s+agentwire\\s+([^;]+);").matcher(conf);
    assertTrue(format.find(), "a log_format named agentwire");
    String fields = format.group(1);
    for (String query :
        new String[] {
          "$request ", "$request\"", "$request_uri", "$args", "$query_string", "$arg_"
        }) {
      assertFalse(fields.contains(query), "the log format holds " + query);
    }
    assertTrue(conf.contains("access_log /var/log/nginx/access.log agentwire;"), conf);
    assertFalse(conf.matches("(?s).*access_log\\s+[^;]*\\bcombined\\b.*"), "the default format");
  }
}
