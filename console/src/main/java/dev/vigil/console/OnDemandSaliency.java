package dev.vigil.console;

import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.classes.Labels;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.SaliencyConfig;
import dev.vigil.pipeline.replay.ReplayedSample;
import dev.vigil.pipeline.replay.SaliencyReplay;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.render.HeatmapRenderer;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * FullGrad for one captured sample, on demand (the event page's button): the pipeline's replay
 * ({@link SaliencyReplay}: decoding, the endpoint's pre-processing, rendering) with the model of
 * {@code saliency.model}, one sample at a time on this class's own thread, never on an HTTP
 * thread.
 *
 * <p>Bounded: one run at a time and at most {@link #QUEUE} waiting; beyond that {@link
 * #explain} refuses ({@link RejectedExecutionException}, the page answers 503) rather than pile
 * up work. The model is opened on first use and only touched by the worker thread. The last
 * {@link #CACHED} panels are kept, so reloading a page does not run FullGrad again.
 */
final class OnDemandSaliency implements AutoCloseable {
  /** Requests waiting behind the running one, at most. */
  static final int QUEUE = 4;
  /** Rendered panels kept. */
  static final int CACHED = 16;

  private final SaliencyConfig config;
  private final Clock clock;
  private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "vigil-console-fullgrad");
        t.setDaemon(true);
        return t;
      }, new ThreadPoolExecutor.AbortPolicy());
  private FullGradExplainer explainer; // confined to the worker thread
  private final Map<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) { // guarded by itself
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > CACHED;
    }
  };

  OnDemandSaliency(SaliencyConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Whether {@code saliency.model} is set. */
  boolean enabled() {
    return config.model() != null;
  }

  /**
   * The FullGrad panel (input, heatmap, top-5) of one record, or the overlay when the input is a
   * tensor rather than an image.
   *
   * @throws RejectedExecutionException when {@link #QUEUE} requests already wait
   * @throws IllegalStateException when no model is configured
   */
  CompletableFuture<byte[]> explain(EndpointConfig endpoint, String eventId, String location, CaptureRecord record) {
    if (!enabled()) {
      throw new IllegalStateException("saliency.model is not set: FullGrad is not available");
    }
    String key = endpoint.name() + "\u0000" + eventId;
    synchronized (cache) {
      byte[] hit = cache.get(key);
      if (hit != null) {
        return CompletableFuture.completedFuture(hit);
      }
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        byte[] png = run(endpoint, eventId, location, record);
        synchronized (cache) {
          cache.put(key, png);
        }
        return png;
      } catch (IOException | ai.onnxruntime.OrtException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, worker);
  }

  private byte[] run(EndpointConfig endpoint, String eventId, String location, CaptureRecord record)
      throws IOException, ai.onnxruntime.OrtException {
    if (explainer == null) {
      explainer = FullGradExplainer.open(config.model(),
          new SaliencyOptions(config.device().configName(), config.intraOpThreads(), 1));
    }
    Labels labels = endpoint.labels() == null ? Labels.none() : Labels.read(endpoint.labels());
    SaliencyReplay replay = new SaliencyReplay(explainer, new Preprocessor(Preprocessing.from(endpoint.preprocessing())),
        labels, HeatmapRenderer.defaults(), 1, clock);
    ReplayedSample s = replay.replay(List.of(SaliencyReplay.Capture.of(eventId, location, record)), List.of())
        .samples().get(0);
    if (!s.ok()) {
      throw new IOException(s.reason());
    }
    return s.panelPng() != null ? s.panelPng() : s.overlayPng();
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      if (worker.awaitTermination(30, TimeUnit.SECONDS) && explainer != null) {
        explainer.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ai.onnxruntime.OrtException e) {
      // closing: nothing left to do with the model
    }
  }
}
