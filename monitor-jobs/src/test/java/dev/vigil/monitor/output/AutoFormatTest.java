package dev.vigil.monitor.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.classes.Labels;
import dev.vigil.config.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code output.format: auto} against the response shapes of real serving stacks, written from
 * their public documentation (docs/payload-formats.md cites each).
 */
class AutoFormatTest {
  private static final Labels SIGNS = Labels.of(List.of("speed-30", "yield", "stop", "no-entry", "tabby", "tiger_cat"));
  private static final OutputParser AUTO = new OutputParser(new OutputSpec(OutputFormat.AUTO, null, false, SIGNS));

  private static ParsedOutput read(String body) throws OutputParseException {
    return AUTO.read(body.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      14                                   | json/class-index        | 14
      [14]                                 | json/class-index        | 14
      [[14]]                               | json/class-index        | 14
      [[14], [3]]                          | json/class-index        | 14 3
      [14, 3]                              | json/class-index        | 14 3
      "stop"                               | json/class-index        | 2
      ["stop", "yield"]                    | json/class-index        | 2 1
      {"predictions": [2]}                 | predictions/class-index | 2
      {"predictions": [[14]]}              | predictions/class-index | 14
      {"predictions": ["no-entry"]}        | predictions/class-index | 3
      14\\n3                                | csv/class-index         | 14 3
      """)
  void readsClassIndicesAtAnyNesting(String body, String format, String classes) throws Exception {
    ParsedOutput p = read(body.replace("\\n", "\n"));
    assertThat(p.format()).isEqualTo(format);
    assertThat(p.content()).isEqualTo(ParsedOutput.Content.CLASS_INDEX);
    assertThat(p.predictions()).extracting(Prediction::top1Class)
        .containsExactly(java.util.Arrays.stream(classes.split(" ")).map(Integer::valueOf).toArray(Integer[]::new));
    assertThat(p.predictions()).noneMatch(Prediction::hasConfidence);
  }

  @Test
  void sageMakerPyTorchArgMaxWithKeepdimIsOnePredictionPerImage() throws Exception {
    // prediction.max(1, keepdim=True)[1].tolist() for a batch of 3: N x 1
    ParsedOutput p = read("[[14], [2], [2]]");
    assertThat(p.predictions()).extracting(Prediction::top1Class).containsExactly(14, 2, 2);
  }

  @Test
  void readsProbabilityVectorsUnderAnyKnownEnvelope() throws Exception {
    assertThat(read("[0.1, 0.7, 0.2]").format()).isEqualTo("json/probabilities");
    assertThat(read("{\"predictions\": [[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]]}").predictions())
        .extracting(Prediction::top1Class).containsExactly(1, 0);
    ParsedOutput scores = read("{\"scores\": [[0.2, 0.1, 0.7]]}");
    assertThat(scores.format()).isEqualTo("scores/probabilities");
    assertThat(scores.predictions().get(0).score(1)).isEqualTo(0.7);
    assertThat(read("{\"probabilities\": [0, 1.0, 0]}").predictions().get(0).top1Class()).isEqualTo(1);
    assertThat(read("0.1,0.9\n0.8,0.2").format()).isEqualTo("csv/probabilities");
  }

  @Test
  void vectorsWithValuesOutsideZeroOneAreLogitsAndSoftMaxed() throws Exception {
    ParsedOutput p = read("{\"predictions\": [[1.0, 3.0, -2.0]]}");
    assertThat(p.format()).isEqualTo("predictions/logits");
    double z = Math.exp(1) + Math.exp(3) + Math.exp(-2);
    assertThat(p.predictions().get(0).score(1)).isCloseTo(Math.exp(3) / z, within(1e-12));
  }

  @Test
  void readsTorchServeImageClassifierInBothShapes() throws Exception {
    // current releases: {"tabby": 0.47, ...}; older docs: [{"tiger_cat": 0.47}, ...]
    ParsedOutput map = read("{\"tiger_cat\": 0.4693, \"tabby\": 0.4633, \"stop\": 0.0618}");
    assertThat(map.format()).isEqualTo("torchserve/top-k");
    assertThat(map.predictions().get(0).topClasses()).containsExactly(5, 4, 2);
    ParsedOutput list = read("[{\"tiger_cat\": 0.4693}, {\"tabby\": 0.4633}, {\"stop\": 0.0618}]");
    assertThat(list.format()).isEqualTo("torchserve/top-k");
    assertThat(list.predictions()).hasSize(1);
    assertThat(list.predictions().get(0).topScores()).containsExactly(0.4693, 0.4633, 0.0618);
    assertThat(list.content().confidence()).isEqualTo(ParsedOutput.Confidence.TOP_K);
  }

  @Test
  void readsHuggingFaceLabelScoreListsAndOneListPerImage() throws Exception {
    ParsedOutput one = read("[{\"label\": \"tabby\", \"score\": 0.47}, {\"label\": \"tiger_cat\", \"score\": 0.46}]");
    assertThat(one.format()).isEqualTo("huggingface/top-k");
    assertThat(one.predictions()).hasSize(1);
    assertThat(one.predictions().get(0).top1Class()).isEqualTo(4);
    assertThat(one.predictions().get(0).entropy()).isNaN();
    ParsedOutput batch = read("[[{\"label\": \"stop\", \"score\": 0.9}], [{\"label\": \"yield\", \"score\": 0.8}]]");
    assertThat(batch.predictions()).extracting(Prediction::top1Class).containsExactly(2, 1);
  }

  @Test
  void readsKserveV2OutputsByDatatype() throws Exception {
    ParsedOutput fp = read("""
        {"id":"1","model_name":"signs","model_version":"1","outputs":[
          {"name":"label","shape":[2],"datatype":"INT64","data":[2,1]},
          {"name":"probs","shape":[2,3],"datatype":"FP32","data":[0.1,0.2,0.7,0.6,0.3,0.1]}]}""");
    assertThat(fp.format()).isEqualTo("kserve-v2/probabilities");
    assertThat(fp.predictions()).extracting(Prediction::top1Class).containsExactly(2, 0);
    ParsedOutput idx = read("""
        {"id":"1","model_name":"signs","model_version":"1","outputs":[{"name":"predict","shape":[1],"datatype":"INT64","data":[0]}]}""");
    assertThat(idx.format()).isEqualTo("kserve-v2/class-index");
    assertThat(idx.predictions()).extracting(Prediction::top1Class).containsExactly(0);
  }

  @Test
  void readsTritonClassificationExtensionStrings() throws Exception {
    ParsedOutput p = read("""
        {"model_name":"signs","outputs":[{"name":"output0","shape":[2,2],"datatype":"BYTES",
          "data":["0.8:2:stop","0.1:1:yield","0.6:3:no-entry","0.3:2:stop"]}]}""");
    assertThat(p.format()).isEqualTo("triton-classification/top-k");
    assertThat(p.predictions()).extracting(Prediction::top1Class).containsExactly(2, 3);
    assertThat(p.predictions().get(1).topScores()).containsExactly(0.6, 0.3);
    // raw logits keep the order but are no confidence
    ParsedOutput logits = read("{\"outputs\":[{\"name\":\"o\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"3.3:1:index_1_label\",\"2.4:3:index_3_label\"]}]}");
    assertThat(logits.predictions().get(0).top1Class()).isEqualTo(1);
    assertThat(logits.predictions().get(0).hasConfidence()).isFalse();
  }

  @Test
  void readsTfServingNamedOutputsPerInstance() throws Exception {
    ParsedOutput p = read("{\"predictions\": [{\"classes\": 2, \"probabilities\": [0.1, 0.2, 0.7]},"
        + " {\"classes\": 0, \"probabilities\": [0.5, 0.3, 0.2]}]}");
    assertThat(p.format()).isEqualTo("predictions/probabilities/probabilities");
    assertThat(p.predictions()).extracting(Prediction::top1Class).containsExactly(2, 0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      <html>502 Bad Gateway</html>              | not JSON or CSV numbers
      {"error": "model not loaded"}             | no predictions recognised
      {"tortoise": 0.9}                         | label not in the labels file
      []                                        | empty prediction list
      [[0.1, 0.9], [0.5]]                       | ragged prediction array
      [{"label": "stop", "score": "high"}]      | top-k entry without label and score
      {"outputs":[{"name":"o","shape":[2,2],"datatype":"FP32","data":[0.1]}]} | kserve-v2 shape does not match data
      [2147483647]                              | class index out of range
      0.93                                      | a lone score
      """)
  void corruptBodiesGiveACountableReason(String body, String reason) {
    assertThatThrownBy(() -> read(body))
        .isInstanceOf(OutputParseException.class)
        .satisfies(e -> assertThat(((OutputParseException) e).reason()).isEqualTo(reason));
  }

  @Test
  void configuredFormatsAreNamedAfterThemselves() throws Exception {
    ParsedOutput p = new OutputParser(OutputSpec.of(OutputFormat.PROBABILITIES)).read("[0.2, 0.8]".getBytes(StandardCharsets.UTF_8));
    assertThat(p.format()).isEqualTo("probabilities");
    assertThat(p.content()).isEqualTo(ParsedOutput.Content.PROBABILITIES);
  }
}
