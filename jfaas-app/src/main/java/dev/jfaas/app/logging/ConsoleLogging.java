package dev.jfaas.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;

/**
 * The gateway's and the worker's logging: one line per event on stderr, at {@code JFAAS_LOG_LEVEL}
 * (INFO unless set), Netty and Vert.x at WARN. Set up in code rather than from logback.xml so
 * that Joran and an XML parser are never loaded: about 600 classes and a few MB of the idle
 * gateway's memory. A {@code -Dlogback.configurationFile} still wins, for whoever wants their own.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    public static final Setting<Level> LEVEL = Setting.parsed("JFAAS_LOG_LEVEL", "INFO", ConsoleLogging::level,
            "log level: `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        encoder.start();
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(levelInForce());
        root.addAppender(appender);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.vertx").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level set, or INFO while a bad setting waits to be reported by the start's check of every setting. */
    private static Level levelInForce() {
        try {
            return Settings.fromProcess().get(LEVEL);
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    private static Level level(String text) {
        var level = Level.toLevel(text.strip(), null);
        if (level == null) {
            throw new IllegalArgumentException("use ERROR, WARN, INFO, DEBUG or TRACE");
        }
        return level;
    }
}
