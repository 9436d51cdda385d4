package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL runs only when asked, answers over JDBC on loopback and keeps its data. */
class EmbeddedPostgresTest {
  @TempDir Path dataDir;

  @Test
  void postgresAnswersWhenAskedAndKeepsTablesAcrossRestart() throws Exception {
    int port = Ports.pickFree();
    EmbeddedStack.Builder builder = EmbeddedStack.builder().dataDir(dataDir)
        .kafka(false).s3(false).smtp(false).postgres(true).postgresPort(port);

    try (EmbeddedStack stack = builder.build().start()) {
      assertThat(stack.postgresJdbcUrl())
          .isEqualTo("jdbc:postgresql://127.0.0.1:" + stack.postgresPort() + "/postgres");
      try (Connection c = connect(stack); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("select 1")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(1);
        }
        s.execute("create table qrtz_probe (id int primary key)");
        s.execute("insert into qrtz_probe values (42)");
      }
    }
    assertThat(Ports.isListening(port)).as("postgres port after close").isFalse();

    try (EmbeddedStack stack = builder.build().start();
        Connection c = connect(stack);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id from qrtz_probe")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.postgresJdbcUrl(), stack.postgresUser(),
        stack.postgresPassword());
  }
}
