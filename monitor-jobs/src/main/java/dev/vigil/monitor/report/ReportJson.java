package dev.vigil.monitor.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.stats.WindowStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON forms of reports: Vigil's {@code report.json} (the {@link MonitorReport} record, readable
 * back) and SageMaker Model Monitor's {@code constraint_violations.json} ({@code violations[]} of
 * {@code feature_name}, {@code constraint_check_type}, {@code description}).
 */
public final class ReportJson {
  private static final ObjectMapper JSON = newMapper();

  private ReportJson() {}

  /** The mapper used for reports, statistics and constraints: ISO-8601 instants, indented. */
  public static ObjectMapper mapper() {
    return JSON;
  }

  static ObjectMapper newMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** {@code report.json}. */
  public static byte[] toJson(MonitorReport report) {
    try {
      return JSON.writeValueAsBytes(report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a {@code report.json}.
   *
   * @throws IOException naming what is wrong with the document
   */
  public static MonitorReport read(byte[] json) throws IOException {
    return JSON.readValue(json, MonitorReport.class);
  }

  /** {@code statistics.json} of a window or a baseline. */
  public static byte[] toJson(WindowStatistics statistics) {
    try {
      return JSON.writeValueAsBytes(statistics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code constraint_violations.json} in the SageMaker Model Monitor shape. Vigil adds {@code
   * value}, {@code limit}, {@code baseline_value} and {@code severity} to each entry; SageMaker
   * readers ignore unknown keys.
   */
  public static byte[] constraintViolations(MonitorReport report) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("violations");
    for (Violation v : report.violations()) {
      ObjectNode o = list.addObject();
      o.put("feature_name", v.featureName());
      o.put("constraint_check_type", v.type().code());
      o.put("description", v.description());
      o.put("value", v.value());
      o.put("limit", v.limit());
      if (v.baselineValue() == null) {
        o.putNull("baseline_value");
      } else {
        o.put("baseline_value", v.baselineValue());
      }
      o.put("severity", v.severity().code());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
