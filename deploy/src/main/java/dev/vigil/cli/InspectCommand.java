package dev.vigil.cli;

import dev.vigil.capture.format.BodyExcerpt;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.OutputFormat;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.output.OutputParseException;
import dev.vigil.monitor.output.OutputParser;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.output.ParsedOutput;
import dev.vigil.monitor.stats.UnusableReason;
import dev.vigil.monitor.window.CaptureVisitor;
import dev.vigil.monitor.window.Window;
import dev.vigil.monitor.window.WindowSource;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.input.DecodedInput;
import dev.vigil.saliency.input.InputDecoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil inspect}: what an endpoint's captures look like to Vigil, before trusting a monitor
 * with them. Samples records of a window (or local files) and prints, per request content type,
 * the input and output formats recognised with counts, three abbreviated example bodies, which
 * checks the outputs allow, and a config snippet.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Sample an endpoint's captures and say how Vigil reads them: per request content type, the"
          + " input formats (what the replay decodes) and output formats (what the monitor reads) with"
          + " counts, three abbreviated example bodies, which checks are possible, and a config snippet."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:inspected", "1:captures unreachable, or none in the window", "2:bad options or configuration"})
final class InspectCommand implements Callable<Integer> {
  /** Examples printed per content type. */
  static final int EXAMPLES = 3;
  private static final int EXAMPLE_CHARS = 140;

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The YAML configuration file (sources, labels).")
  Path config;

  @Option(names = {"-e", "--endpoint"}, required = true, paramLabel = "NAME", description = "Endpoint name from the config.")
  String endpoint;

  @ArgGroup(exclusive = true, multiplicity = "1")
  CaptureSelection input;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "200",
      description = "Records inspected, drawn at random (fixed seed) from the window; default ${DEFAULT-VALUE}.")
  int sample;

  @Override
  public Integer call() throws Exception {
    if (sample < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--sample: must be at least 1, got " + sample);
    }
    VigilConfig cfg = ConfigLoader.load(config);
    EndpointConfig e = cfg.endpoint(endpoint).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--endpoint: no endpoint named '" + endpoint + "' in the config"));
    Window window = input.window(spec);
    List<CaptureRecord> records;
    OutputSpec configured;
    try (MonitorRuntime runtime = new MonitorRuntime(cfg, null, List.of(), false, Clock.systemUTC())) {
      configured = MonitorRuntime.outputSpec(e);
      WindowSource files = input.filesOrNull();
      WindowSource source = files != null ? files : runtime.windowSource(endpoint);
      List<Sampler> samplers;
      try (WindowProgress progress = new WindowProgress(spec.commandLine().getErr(), "sampling " + endpoint)) {
        samplers = source.read(window, () -> new Sampler(sample, progress));
      }
      // Window readers skip request bodies (the monitor never needs them): fetch each sampled
      // record whole, as the replay does.
      records = new ArrayList<>();
      for (Sampler.Kept k : Sampler.merge(samplers, sample)) {
        try {
          records.add(runtime.fetcher().fetch(k.location()));
        } catch (java.io.IOException | RuntimeException x) {
          records.add(k.record()); // its output is still worth inspecting
          spec.commandLine().getErr().println("vigil inspect: request body of " + k.record().eventId()
              + " not fetched (" + x.getMessage() + "); showing its output only");
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (records.isEmpty()) {
      spec.commandLine().getErr().println("vigil inspect: no capture records of " + endpoint + " in "
          + input.describe() + "; check the window and monitor.source");
      return ExitCodes.RUNTIME_FAILURE;
    }
    report(out, e, configured, records);
    out.flush();
    return ExitCodes.OK;
  }

  /** Per content type: counts of formats, examples; then checks and the config snippet. */
  static void report(PrintWriter out, EndpointConfig e, OutputSpec configured, List<CaptureRecord> records) {
    OutputParser auto = new OutputParser(new OutputSpec(OutputFormat.AUTO, configured.pointer(), configured.softmax(),
        configured.labels()));
    Map<String, Group> groups = new TreeMap<>();
    Set<ParsedOutput.Confidence> confidences = EnumSet.noneOf(ParsedOutput.Confidence.class);
    Map<String, Long> allOutputs = new TreeMap<>();
    Map<String, Long> imageInputs = new TreeMap<>();
    boolean labelsMissing = false;
    for (CaptureRecord r : records) {
      CapturedBody in = r.endpointInput();
      String type = in == null ? "(no input captured)" : in.observedContentType() == null ? "(no content type)"
          : in.observedContentType().replaceAll(";.*", "").strip().toLowerCase(Locale.ROOT);
      Group g = groups.computeIfAbsent(type, t -> new Group());
      g.records++;
      String inFormat;
      if (in == null) {
        inFormat = "none (capture.mode Output)";
      } else {
        try {
          List<DecodedInput> d = InputDecoder.decode(in.bytes(), in.observedContentType(), r.eventId());
          inFormat = d.get(0).format() + (d.size() > 1 ? " x" + d.size() : "");
          if (d.get(0).isImage()) {
            imageInputs.merge(inFormat, 1L, Long::sum);
          }
        } catch (ImageDecodeException | IllegalArgumentException x) {
          inFormat = "unreadable: " + reason(x.getMessage(), r.eventId());
        }
      }
      g.inputs.merge(inFormat, 1L, Long::sum);
      String outFormat;
      CapturedBody o = r.endpointOutput();
      if (o == null) {
        outFormat = "none (no output captured)";
      } else {
        try {
          ParsedOutput p = auto.read(o.bytes());
          outFormat = p.format();
          confidences.add(p.content().confidence());
        } catch (OutputParseException x) {
          outFormat = "unreadable: " + x.reason();
          labelsMissing |= x.reason().contains("labels file");
        } catch (IllegalArgumentException x) {
          outFormat = "unreadable: " + x.getMessage();
        }
      }
      g.outputs.merge(outFormat, 1L, Long::sum);
      allOutputs.merge(outFormat, 1L, Long::sum);
      if (g.examples.size() < EXAMPLES) {
        g.examples.add(String.format(Locale.ROOT, "%s%n      in:  %s%n      out: %s", r.eventId(),
            in == null ? "-" : BodyExcerpt.of(in.bytes(), EXAMPLE_CHARS),
            o == null ? "-" : BodyExcerpt.of(o.bytes(), EXAMPLE_CHARS)));
      }
    }
    out.printf(Locale.ROOT, "%d records of %s sampled%n", records.size(), e.name());
    groups.forEach((type, g) -> {
      out.printf(Locale.ROOT, "%nrequest content type %s: %d records%n", type, g.records);
      out.println("  input formats:");
      print(out, g.inputs);
      out.println("  output formats:");
      print(out, g.outputs);
      out.println("  examples:");
      g.examples.forEach(x -> out.println("    " + x));
    });
    out.printf(Locale.ROOT, "%nchecks:%n");
    if (confidences.isEmpty()) {
      out.println("  none possible: no output could be read (see the reasons above)");
    }
    for (ParsedOutput.Confidence c : confidences) {
      List<String> which = new ArrayList<>();
      allOutputs.forEach((f, n) -> {
        ParsedOutput.Content content = f.startsWith("unreadable") ? null : ParsedOutput.Content.ofFormat(f);
        if (content != null && content.confidence() == c) {
          which.add(f);
        }
      });
      out.printf(Locale.ROOT, "  %s: %s%n", String.join(", ", which), c.description());
    }
    out.printf(Locale.ROOT, "%nconfig snippet:%n");
    out.printf(Locale.ROOT, "endpoints:%n  - name: %s%n    output:%n      format: auto    # read: %s%n", e.name(),
        summary(allOutputs));
    if (labelsMissing || e.labels() != null) {
      out.printf(Locale.ROOT, "    labels: %s    # one label per line, line i = class i%s%n",
          e.labels() == null ? "labels.txt" : e.labels(),
          labelsMissing ? "; outputs name labels it does not list" : "");
    }
    if (!imageInputs.isEmpty()) {
      out.printf(Locale.ROOT, "    preprocessing:    # inputs are images (%s): the model's own pre-processing%n"
          + "      width: %d%n      height: %d%n      resize: %s%n", summary(imageInputs),
          e.preprocessing().width(), e.preprocessing().height(), e.preprocessing().resize().configName());
    }
  }

  private static void print(PrintWriter out, Map<String, Long> counts) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .forEach(en -> out.printf(Locale.ROOT, "    %-48s %d%n", en.getKey(), en.getValue()));
  }

  private static String summary(Map<String, Long> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach((f, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(f).append(' ').append(n));
    return sb.toString();
  }

  /** A decoder message without the event id that starts it, and at most one sentence. */
  private static String reason(String message, String eventId) {
    String m = message == null ? "unknown" : message;
    if (m.startsWith(eventId)) {
      m = m.substring(eventId.length()).replaceFirst("^[:\\s]+", "");
    }
    return m.length() > 90 ? m.substring(0, 87) + "..." : m;
  }

  private static final class Group {
    long records;
    final Map<String, Long> inputs = new LinkedHashMap<>();
    final Map<String, Long> outputs = new LinkedHashMap<>();
    final List<String> examples = new ArrayList<>();
  }

  /** A reservoir sample of the records one reading thread sees (Vitter's algorithm R, fixed seed). */
  static final class Sampler implements CaptureVisitor {
    private final int k;
    private final Random random = new Random(42);
    private final List<Kept> kept = new ArrayList<>();
    private final WindowProgress progress;
    private long seen;

    Sampler(int k, WindowProgress progress) {
      this.k = k;
      this.progress = progress;
    }

    @Override
    public void record(CaptureRecord record, CaptureLocation location) {
      progress.counter().increment();
      seen++;
      if (kept.size() < k) {
        kept.add(new Kept(record, location));
      } else {
        long j = (long) (random.nextDouble() * seen);
        if (j < k) {
          kept.set((int) j, new Kept(record, location));
        }
      }
    }

    /** A sampled record (without its request body) and where to fetch it whole. */
    record Kept(CaptureRecord record, CaptureLocation location) {}

    @Override
    public void malformed(UnusableReason reason, String detail, CaptureLocation location) {
      progress.counter().increment();
    }

    /** At most {@code k} records from all readers, in eventId order. */
    static List<Kept> merge(List<Sampler> samplers, int k) {
      Comparator<Kept> byEvent = Comparator.comparing(x -> x.record().eventId());
      List<Kept> all = new ArrayList<>();
      samplers.forEach(s -> all.addAll(s.kept));
      all.sort(byEvent);
      if (all.size() > k) {
        java.util.Collections.shuffle(all, new Random(42));
        List<Kept> cut = new ArrayList<>(all.subList(0, k));
        cut.sort(byEvent);
        return cut;
      }
      return all;
    }
  }
}
