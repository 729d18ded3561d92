package dev.jfaas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Java function starts from, made by {@code jfaas build} from one training run of the
 * function (it starts, answers its own health check and exits: {@code JFAAS_TRAIN=1}): on a JDK 25
 * or newer an AOT cache ({@code target/app.aot}: classes loaded and linked ahead, with the
 * training's method profiles, JEP 483/514/515), else a class data sharing archive
 * ({@code target/app.jsa}). The template's {@code java.sh} starts the function with whichever is
 * there and fits its JDK. Either only serves the JVM that made it, so the training runs on the JDK
 * the function will run on: its {@code java.sh}, choosing as it will in the sandbox, where no
 * JAVA_HOME is set.
 */
final class StartArchive {

    static final String AOT = "target/app.aot";
    static final String CDS = "target/app.jsa";

    private StartArchive() {}

    static void make(StackFile.Function fn, Path dir, PrintWriter out) throws IOException {
        // what an earlier build left must not be picked up by this training run, nor outlive it
        Files.deleteIfExists(dir.resolve(AOT));
        Files.deleteIfExists(dir.resolve(CDS));
        var aot = train(dir, "-XX:AOTCacheOutput=" + AOT);
        if (aot.isEmpty() && Files.exists(dir.resolve(AOT))) {
            out.println(fn.name() + ": AOT cache (" + AOT + ")");
            return;
        }
        Files.deleteIfExists(dir.resolve(AOT));
        var cds = train(dir, "-XX:ArchiveClassesAtExit=" + CDS);
        if (cds.isEmpty() && Files.exists(dir.resolve(CDS))) {
            out.println(fn.name() + ": class data sharing archive (" + CDS + "; a JDK 25 would make an AOT cache)");
        } else {
            out.println(fn.name() + ": no start-up archive (" + cds + "); it starts without one");
        }
    }

    /** One training run with {@code option}; empty when it succeeded, else its last line of output. */
    private static String train(Path dir, String option) throws IOException {
        var command = new ArrayList<>(Files.exists(dir.resolve("java.sh")) ? List.of("sh", "java.sh")
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(option, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "target/function.jar"));
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("JFAAS_TRAIN", "1");
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes());
        try {
            return process.waitFor() == 0 ? "" : output.strip().lines().reduce((a, b) -> b).orElse("exit " + process.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
