package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.capture.format.GroundTruthCodec;
import dev.vigil.capture.format.GroundTruthRecord;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.cli.support.BadInput;
import dev.vigil.monitor.truth.GroundTruth;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A file of labels for {@code vigil labels push}: CSV rows {@code id,label} (an optional header
 * row {@code id,label}; RFC 4180 quotes) or JSON Lines, each line {@code {"id":"...","label":"..."}}
 * ({@code inferenceId} or {@code eventId} may name the id) or already a SageMaker ground-truth
 * record. A file starting with '{' is JSON Lines. The label is a class index or a label of the
 * endpoint's labels file. The whole file is checked before anything is written: a bad line stops
 * the push with one line per problem (the first {@value #MAX_PROBLEMS} shown).
 *
 * @param records the labels, in file order
 * @param duplicates ids labelled more than once in the file (the monitor uses the last)
 */
record LabelFile(List<GroundTruthRecord> records, int duplicates) {
  static final int MAX_PROBLEMS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @throws BadInput naming the file, the lines and what to write instead */
  static LabelFile read(Path file, GroundTruth classes) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BadInput("labels file " + file + " does not exist");
    } catch (MalformedInputException e) {
      throw new BadInput("labels file " + file + " is not UTF-8 text: save it as UTF-8");
    } catch (IOException e) {
      throw new BadInput("cannot read labels file " + file + ": " + e.getMessage());
    }
    boolean jsonLines = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
        .map(l -> l.startsWith("{")).orElse(false);
    GroundTruthCodec codec = new GroundTruthCodec();
    List<GroundTruthRecord> out = new ArrayList<>(lines.size());
    List<String> problems = new ArrayList<>();
    int problemCount = 0;
    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isEmpty() || (!jsonLines && i == 0 && isHeader(line))) {
        continue;
      }
      String problem;
      GroundTruthRecord r = null;
      try {
        r = jsonLines ? json(line, codec) : csv(line);
        problem = classes.classOf(r.label()) < 0
            ? "label '" + r.label() + "' is neither a class index nor a label of the endpoint's labels file" : null;
      } catch (IllegalArgumentException | MalformedCaptureException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        if (++problemCount <= MAX_PROBLEMS) {
          problems.add(file + ":" + (i + 1) + ": " + problem);
        }
        continue;
      }
      if (!seen.add(r.id())) {
        duplicates++;
      }
      out.add(r);
    }
    if (problemCount > 0) {
      String more = problemCount > MAX_PROBLEMS ? String.format(Locale.ROOT, "%n(and %d more)", problemCount - MAX_PROBLEMS) : "";
      throw new BadInput(String.format(Locale.ROOT, "%d bad line(s) in %s, nothing was pushed; fix them and push again:%n%s%s",
          problemCount, file, String.join(System.lineSeparator(), problems), more));
    }
    if (out.isEmpty()) {
      throw new BadInput("labels file " + file + " holds no labels; write one 'id,label' row per prediction");
    }
    return new LabelFile(List.copyOf(out), duplicates);
  }

  private static boolean isHeader(String line) {
    String first = line.split(",", 2)[0].strip().replace("\"", "").toLowerCase(Locale.ROOT);
    return first.equals("id") || first.equals("inferenceid") || first.equals("eventid");
  }

  private static GroundTruthRecord json(String line, GroundTruthCodec codec) throws MalformedCaptureException {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON; write {\"id\":\"...\",\"label\":\"...\"}");
    }
    if (n.has("groundTruthData")) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      return codec.read(b, 0, b.length);
    }
    JsonNode id = n.has("id") ? n.get("id") : n.has("inferenceId") ? n.get("inferenceId") : n.get("eventId");
    JsonNode label = n.get("label");
    if (id == null || !id.isValueNode() || id.asText().isBlank()) {
      throw new IllegalArgumentException("no \"id\" (or \"inferenceId\"/\"eventId\"); write {\"id\":\"...\",\"label\":\"...\"}");
    }
    if (label == null || !label.isValueNode() || label.asText().isBlank()) {
      throw new IllegalArgumentException("no \"label\"; write {\"id\":\"...\",\"label\":\"...\"}");
    }
    return GroundTruthRecord.csv(id.asText(), label.asText());
  }

  /** {@code id,label}, RFC 4180 quoting. */
  static GroundTruthRecord csv(String line) {
    List<String> fields = new ArrayList<>(2);
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString().strip());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quote is not closed; write \"...\" around a field with commas");
    }
    fields.add(f.toString().strip());
    if (fields.size() != 2 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
      throw new IllegalArgumentException("expected two columns 'id,label', got " + fields.size()
          + (fields.size() == 2 ? " with an empty one" : ""));
    }
    String label = fields.get(1);
    // A label with a comma or a quote must stay one CSV field in the ground-truth record.
    String data = label.contains(",") || label.contains("\"") ? "\"" + label.replace("\"", "\"\"") + "\"" : label;
    return new GroundTruthRecord(fields.get(0), data, GroundTruthRecord.CSV, null);
  }
}
