package dev.vigil.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelsTest {
  @Test
  void lowersThenRestoresTheLevels() {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.example.chatty");
    logger.setLevel(Level.DEBUG);
    try (LogLevels quiet = LogLevels.lower(Map.of("org.example.chatty", "ERROR"))) {
      assertThat(logger.getLevel()).isEqualTo(Level.ERROR);
    }
    assertThat(logger.getLevel()).isEqualTo(Level.DEBUG);
  }
}
