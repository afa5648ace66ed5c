package dev.agentwire.bench;

import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Benchmark peer for docs/performance.md: a Spring Boot WebSocket server on embedded Tomcat, the
 * peer a Java user would most likely pick instead of AgentWire. It runs the same trivial workload
 * as bench/bare/BareEndpoint.java (see {@link BareHandler}) at {@code ws://127.0.0.1:<port>/ws}.
 *
 * <p>Usage: {@code java -jar bench-spring.jar <port>}. Prints one line {@code listening on <port>}
 * once the embedded server accepts connections, and nothing per message.
 */
@SpringBootApplication
@EnableWebSocket
public class BenchSpringApplication implements WebSocketConfigurer {

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: java -jar bench-spring.jar <port>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    SpringApplication app = new SpringApplication(BenchSpringApplication.class);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    app.setDefaultProperties(Map.of(
        "server.port", String.valueOf(port),
        "server.address", "127.0.0.1",
        // Tomcat accepts at most 8,192 connections by default: raised for the 10,000-connection
        // scenario, as a user holding that many sockets would.
        "server.tomcat.max-connections", "20000",
        "server.tomcat.accept-count", "1024",
        "logging.level.root", "WARN"));
    app.run();
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(new BareHandler(), "/ws").setAllowedOrigins("*");
  }

  @EventListener
  public void onWebServerInitialized(WebServerInitializedEvent event) {
    System.out.println("listening on " + event.getWebServer().getPort());
    System.out.flush();
  }
}
