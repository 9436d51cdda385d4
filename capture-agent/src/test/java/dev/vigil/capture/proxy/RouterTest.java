package dev.vigil.capture.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.capture.sampling.CapturePolicy;
import dev.vigil.capture.sampling.ContentTypes;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.capture.sampling.Sampler;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static Route route(String name, String prefix, String host) {
    CapturePolicy p = new CapturePolicy(name, "default", new Sampler(100), null, CaptureMode.InputAndOutput,
        new ContentTypes(List.of()), null, 100, new Redactor(List.of()), true);
    return Route.of(prefix, host, URI.create("http://127.0.0.1:9"), p);
  }

  @Test
  void longestPathPrefixWinsAndHostRoutesComeFirst() {
    Router r = new Router(List.of(route("all", "/", null), route("signs", "/v1/signs", null),
        route("faces", "/", "faces.internal")));
    assertThat(r.route("/v1/signs/predict?x=1", "a:8081").endpoint()).isEqualTo("signs");
    assertThat(r.route("/other", "a").endpoint()).isEqualTo("all");
    assertThat(r.route("/v1/signs", "FACES.internal:8081").endpoint()).isEqualTo("faces");
    assertThat(r.route("http://x/v1/signs/p", null).endpoint()).isEqualTo("signs");
  }

  @Test
  void noRouteWhenNothingMatches() {
    Router r = new Router(List.of(route("signs", "/v1/signs", null)));
    assertThat(r.route("/v2", null)).isNull();
  }
}
