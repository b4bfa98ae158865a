package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// logConfig is how `duban serve` logs: text or JSON lines on standard
// error, from a level up.
type logConfig struct {
	Format string // text | json
	Level  string // debug | info | warn | error
}

// logFlags adds --log-format and --log-level; resolve them after parsing.
type logFlags struct{ format, level *string }

func addLogFlags(fs *flag.FlagSet) logFlags {
	return logFlags{
		format: fs.String("log-format", "", "日志格式 text 或 json，默认 $DUBAN_LOG_FORMAT 或 text (log format)"),
		level:  fs.String("log-level", "", "日志级别 debug、info、warn 或 error，默认 $DUBAN_LOG_LEVEL 或 info (log level)"),
	}
}

func (f logFlags) resolve(env getenv) logConfig {
	return logConfig{
		Format: strings.ToLower(first(*f.format, env("DUBAN_LOG_FORMAT"), "text")),
		Level:  strings.ToLower(first(*f.level, env("DUBAN_LOG_LEVEL"), "info")),
	}
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

func (c logConfig) validate() error {
	if c.Format != "text" && c.Format != "json" {
		return fmt.Errorf("日志格式 %q 无效，应为 text 或 json (invalid --log-format)", c.Format)
	}
	if _, ok := logLevels[c.Level]; !ok {
		return fmt.Errorf("日志级别 %q 无效，应为 debug、info、warn 或 error (invalid --log-level)", c.Level)
	}
	return nil
}

// logger writes to w; c has been validated.
func (c logConfig) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: logLevels[c.Level]}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
