package dev.vigil.pipeline.signals;

import ai.onnxruntime.OrtException;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.FlaggedSample;
import dev.vigil.monitor.signals.ModelProbe;
import dev.vigil.monitor.signals.ModelReadings;
import dev.vigil.monitor.signals.SampledInput;
import dev.vigil.saliency.EmbeddingModel;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.image.DecodedImage;
import dev.vigil.saliency.image.ImageDecodeException;
import dev.vigil.saliency.image.PreparedImage;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.image.Squeezers;
import dev.vigil.saliency.input.DecodedInput;
import dev.vigil.saliency.input.InputDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One endpoint's {@link ModelProbe} on ONNX Runtime: captured bodies are decoded as saliency replay
 * decodes them ({@link InputDecoder}: images, {@code .npy}, the serving stacks' JSON), images are
 * pre-processed with the endpoint's settings, and {@link EmbeddingModel} gives embeddings and
 * soft-max in one pass. Screening runs two more passes on the squeezed copies ({@link Squeezers}:
 * bit depth, 2 x 2 median) and scores {@code max L1} of the soft-max differences. Inputs that came
 * as tensors have no pixels to squeeze: they are read but not screened.
 *
 * <p>Not thread-safe for {@link #read}'s callers' lists, but the model serialises runs; one probe per
 * endpoint.
 */
public final class OnnxModelProbe implements ModelProbe {
  private final EmbeddingModel model;
  private final Preprocessor preprocessor;
  private final CaptureFetcher fetcher; // null: flagged samples cannot be fetched
  private final int bitDepth;

  /**
   * @param model the model (not closed here)
   * @param fetcherOrNull reads flagged samples' captures (not closed here)
   */
  public OnnxModelProbe(EmbeddingModel model, Preprocessor preprocessor, CaptureFetcher fetcherOrNull, int bitDepth) {
    this.model = Objects.requireNonNull(model, "model");
    this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    this.fetcher = fetcherOrNull;
    this.bitDepth = bitDepth;
  }

  /** One decoded input waiting for its batch. */
  private record Item(String eventId, int batchItem, float[] chw, int c, int h, int w, DecodedImage image) {}

  @Override
  public ModelReadings read(List<SampledInput> inputs, boolean screen) {
    List<Item> items = new ArrayList<>();
    Problems problems = new Problems();
    List<CapturedBody> bodies = bodies(inputs, problems);
    for (int k = 0; k < inputs.size(); k++) {
      SampledInput in = inputs.get(k);
      if (bodies.get(k) == null) {
        continue; // counted by bodies()
      }
      try {
        List<DecodedInput> decoded = decode(bodies.get(k), in.eventId());
        for (DecodedInput d : decoded) {
          items.add(item(in.eventId(), d.position(), d));
        }
      } catch (ImageDecodeException | IllegalArgumentException e) {
        problems.add(in.eventId(), e);
      }
    }
    return run(items, screen, problems);
  }

  @Override
  public ModelReadings screen(List<FlaggedSample> samples) {
    List<Item> items = new ArrayList<>();
    Problems problems = new Problems();
    for (FlaggedSample s : samples) {
      try {
        if (fetcher == null || s.location() == null) {
          throw new IOException("the capture cannot be fetched (no location or no fetcher)");
        }
        CaptureRecord r = fetcher.fetch(s.location());
        if (r.endpointInput() == null) {
          throw new IllegalArgumentException("the record has no captured input (capture mode Output?)");
        }
        List<DecodedInput> decoded = decode(r.endpointInput(), s.eventId());
        DecodedInput d = decoded.get(Math.min(s.batchItem(), decoded.size() - 1));
        items.add(item(s.eventId(), s.batchItem(), d));
      } catch (IOException | ImageDecodeException | IllegalArgumentException e) {
        problems.add(s.eventId(), e);
      }
    }
    return run(items, true, problems);
  }

  /** The inputs' bodies, fetched (by object, once) for those the window reader kept only the location of. */
  private List<CapturedBody> bodies(List<SampledInput> inputs, Problems problems) {
    List<CapturedBody> out = new ArrayList<>(inputs.size());
    List<Integer> missing = new ArrayList<>();
    for (SampledInput in : inputs) {
      if (in.input() == null) {
        missing.add(out.size());
      }
      out.add(in.input());
    }
    if (missing.isEmpty()) {
      return out;
    }
    if (fetcher == null) {
      for (int i : missing) {
        problems.add(inputs.get(i).eventId(), new IOException("the capture cannot be fetched (no fetcher)"));
      }
      return out;
    }
    List<CaptureFetcher.Fetched> fetched = fetcher.fetchAll(missing.stream().map(i -> inputs.get(i).location()).toList());
    for (int j = 0; j < missing.size(); j++) {
      int i = missing.get(j);
      CaptureFetcher.Fetched f = fetched.get(j);
      if (f.record() == null) {
        problems.add(inputs.get(i).eventId(), new IOException(f.error()));
      } else if (f.record().endpointInput() == null) {
        problems.add(inputs.get(i).eventId(), new IOException("the record has no captured input (capture mode Output?)"));
      } else {
        out.set(i, f.record().endpointInput());
      }
    }
    return out;
  }

  private static List<DecodedInput> decode(CapturedBody body, String name) {
    List<DecodedInput> decoded = InputDecoder.decode(body.bytes(), body.observedContentType(), name);
    if (decoded.isEmpty()) {
      throw new IllegalArgumentException("the request body holds no input");
    }
    return decoded;
  }

  private Item item(String eventId, int position, DecodedInput d) {
    if (!d.isImage()) {
      ImageTensor t = d.tensor();
      return new Item(eventId, position, t.data(), t.c(), t.h(), t.w(), null);
    }
    PreparedImage p = preprocessor.prepare(d.image());
    return new Item(eventId, position, p.chw(), p.channels(), p.height(), p.width(), d.image());
  }

  /** Runs same-shape groups; screening adds the squeezed copies of images. */
  private ModelReadings run(List<Item> items, boolean screen, Problems problems) {
    Map<List<Integer>, List<Item>> byShape = new LinkedHashMap<>();
    for (Item i : items) {
      byShape.computeIfAbsent(List.of(i.c, i.h, i.w), k -> new ArrayList<>()).add(i);
    }
    List<ModelReadings.Reading> out = new ArrayList<>();
    for (List<Item> group : byShape.values()) {
      try {
        EmbeddingModel.Readings r = model.run(stack(group));
        float[][] bits = null;
        float[][] median = null;
        if (screen) {
          List<Item> images = group.stream().filter(i -> i.image != null).toList();
          if (!images.isEmpty()) {
            bits = model.run(squeezed(images, true)).probabilities();
            median = model.run(squeezed(images, false)).probabilities();
          }
        }
        int img = 0;
        for (int k = 0; k < group.size(); k++) {
          Item i = group.get(k);
          Double score = null;
          if (screen && i.image != null) {
            score = Squeezers.score(r.probabilities()[k], bits[img], median[img]);
            img++;
          }
          out.add(new ModelReadings.Reading(i.eventId, i.batchItem, r.embeddings()[k], r.probabilities()[k], score));
        }
      } catch (OrtException | RuntimeException e) {
        for (Item i : group) {
          problems.add(i.eventId, e);
        }
      }
    }
    return new ModelReadings(out, problems.count, problems.first);
  }

  private ImageTensor squeezed(List<Item> images, boolean bitDepthSqueezer) {
    List<PreparedImage> prepared = new ArrayList<>(images.size());
    for (Item i : images) {
      DecodedImage s = bitDepthSqueezer ? Squeezers.bitDepth(i.image, bitDepth) : Squeezers.median2x2(i.image);
      prepared.add(preprocessor.prepare(s));
    }
    return Preprocessor.stack(prepared);
  }

  private static ImageTensor stack(List<Item> group) {
    Item first = group.get(0);
    int size = first.chw.length;
    float[] data = new float[size * group.size()];
    for (int i = 0; i < group.size(); i++) {
      System.arraycopy(group.get(i).chw, 0, data, i * size, size);
    }
    return new ImageTensor(data, group.size(), first.c, first.h, first.w);
  }

  @Override
  public String embeddingNode() {
    return model.embeddingNode();
  }

  @Override
  public String modelSha256() {
    return model.modelSha256();
  }

  /** Counts unreadable inputs and keeps the first reason. */
  private static final class Problems {
    int count;
    String first;

    void add(String eventId, Exception e) {
      count++;
      if (first == null) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        first = "event " + eventId + ": " + m.lines().findFirst().orElse("").strip();
      }
    }
  }
}
