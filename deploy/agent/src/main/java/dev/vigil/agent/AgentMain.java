package dev.vigil.agent;

import dev.vigil.cli.support.CommandRunner;

/**
 * {@code java -jar vigil-agent.jar --config FILE}: the sidecar's own jar, the capture agent and
 * nothing else (no ONNX Runtime, no embedded servers, no demo), so its image and its memory stay
 * small. The same command is {@code vigil agent} in the all-in-one jar.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(CommandRunner.commandLine(new AgentCommand()).setCommandName("vigil-agent").execute(args));
  }
}
