package dev.vigil.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a fault cost, printed the same way by every fault test so that CI's log and
 * {@code faults/target/fault-figures.txt} answer "requests failed, records lost, duplicates,
 * alerts sent" per fault in one line each:
 *
 * <pre>FAULT monitor-kill-9-mid-window: windows=6 reports=6 duplicates=0 alerts_sent=1</pre>
 */
public final class FaultFigures {
  private static final Path FILE = Path.of("target", "fault-figures.txt");

  private final String fault;
  private final Map<String, Object> figures = new LinkedHashMap<>();

  private FaultFigures(String fault) {
    this.fault = fault;
  }

  public static FaultFigures of(String fault) {
    return new FaultFigures(fault);
  }

  public FaultFigures put(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** Prints the line and appends it to the figures file; returns it. */
  public String print() {
    String line = "FAULT " + fault + ": " + figures.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    System.out.println(line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line;
  }
}
