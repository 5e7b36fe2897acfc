// Parses iCalendar files with Mozilla's ical.js, an independent parser, and prints what a
// calendar client would read from them as JSON: one file prints its calendar, several print an
// array in order, from one process. Used by Convene's feed and invitation tests.
import { readFileSync } from "node:fs";

const ICAL = (await import(process.env.ICALJS_DIR ? process.env.ICALJS_DIR + "/dist/ical.js" : "ical.js")).default;

function read(file) {
  const cal = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const tz of cal.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(tz);
  }
  const events = cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      summary: e.summary,
      summaryLanguage: v.getFirstProperty("summary")?.getParameter("language") ?? null,
      description: e.description,
      location: e.location,
      status: v.getFirstPropertyValue("status"),
      url: v.getFirstPropertyValue("url"),
      dtstamp: v.getFirstPropertyValue("dtstamp")?.toJSDate().toISOString(),
      alarms: v.getAllSubcomponents("valarm").length,
      recurrenceId: e.recurrenceId ? e.recurrenceId.toJSDate().toISOString() : null,
      attendees: v.getAllProperties("attendee").map((p) => ({
        address: p.getFirstValue(),
        partstat: p.getParameter("partstat") ?? null,
        rsvp: p.getParameter("rsvp") ?? null,
      })),
      conference: v.getAllProperties("conference").map((p) => ({
        uri: p.getFirstValue(),
        features: p.getParameter("feature") ?? null,
        label: p.getParameter("label") ?? null,
      })),
    };
  });
  return {
    method: cal.getFirstPropertyValue("method"),
    description: cal.getFirstPropertyValue("description"),
    url: cal.getFirstPropertyValue("url"),
    source: cal.getFirstPropertyValue("source"),
    lastModified: cal.getFirstPropertyValue("last-modified")?.toJSDate().toISOString() ?? null,
    name: cal.getFirstPropertyValue("x-wr-calname"),
    refresh: cal.getFirstPropertyValue("refresh-interval")?.toString() ?? null,
    events,
  };
}

const files = process.argv.slice(2);
process.stdout.write(JSON.stringify(files.length === 1 ? read(files[0]) : files.map(read)));
