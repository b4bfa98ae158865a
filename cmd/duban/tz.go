package main

import (
	"flag"
	"fmt"
	"time"
	// The time zone database goes into the binary: a bare server (a
	// minimal container, no tzdata package) still knows Asia/Shanghai.
	_ "time/tzdata"
)

// defaultTZ is the deployment's time zone unless --tz or DUBAN_TZ says
// otherwise: duban's users keep Beijing time.
const defaultTZ = "Asia/Shanghai"

// tzFlag adds --tz.
func tzFlag(fs *flag.FlagSet) *string {
	return fs.String("tz", "", "时区（IANA 名称），默认 $DUBAN_TZ 或 "+defaultTZ+" (time zone)")
}

// tzFrom is the zone --tz, else DUBAN_TZ, else Asia/Shanghai names.
func tzFrom(flagValue string, env getenv) (*time.Location, error) {
	name := first(flagValue, env("DUBAN_TZ"), defaultTZ)
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("时区 %q 无效，应为 IANA 时区名称，如 Asia/Shanghai (unknown time zone %q)", name, name)
	}
	return loc, nil
}
