package convene

import "strings"

// How a call takes place.
const (
	CallOnline   = "online"    // a video call
	CallInPerson = "in_person" // in a room
	CallHybrid   = "hybrid"    // in a room with a video link: people choose
)

// CallModes lists them in the order forms offer them.
var CallModes = []string{CallOnline, CallInPerson, CallHybrid}

// How one person attends: the values of a registration's and an attendance record's mode, and of
// a call's attendance_modes in the API.
const (
	AttendOnline   = "online"
	AttendInPerson = "in_person"
)

// Venue is where an in-person or hybrid call meets.
type Venue struct {
	Name        string `json:"name"`
	Address     string `json:"address"`
	Room        string `json:"room,omitempty"`
	MapURL      string `json:"map_url,omitempty"`
	AccessNotes string `json:"access_notes,omitempty"` // step-free access, entrances, washrooms
}

// Empty reports whether nothing about the venue is written.
func (v *Venue) Empty() bool {
	return v == nil || (v.Name == "" && v.Address == "" && v.Room == "" && v.MapURL == "" && v.AccessNotes == "")
}

// Normalize trims its fields.
func (v *Venue) Normalize() {
	v.Name, v.Room, v.MapURL = Line(v.Name), Line(v.Room), strings.TrimSpace(v.MapURL)
	v.Address, v.AccessNotes = Para(v.Address), Para(v.AccessNotes)
}

// Place is one line that says where it is: the name, the room and the address.
func (v *Venue) Place() string {
	if v == nil {
		return ""
	}
	return joinNonEmpty(v.Title(), v.AddressLine())
}

// Title is the venue's name and room.
func (v *Venue) Title() string { return joinNonEmpty(v.Name, v.Room) }

// AddressLine is the address on one line, its lines separated by commas.
func (v *Venue) AddressLine() string {
	return strings.Join(strings.Fields(strings.ReplaceAll(v.Address, "\n", ", ")), " ")
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// Mode is how the call takes place; calls stored before hybrid calls existed are online.
func (c *Call) Mode() string {
	if c.AttendanceMode == "" {
		return CallOnline
	}
	return c.AttendanceMode
}

// Online reports whether people may take part by video.
func (c *Call) Online() bool { return c.Mode() != CallInPerson }

// InPerson reports whether people may take part in the room.
func (c *Call) InPerson() bool { return c.Mode() != CallOnline }

// AttendanceModes are the ways one may attend: online, in person, or both.
func (c *Call) AttendanceModes() []string {
	switch c.Mode() {
	case CallInPerson:
		return []string{AttendInPerson}
	case CallHybrid:
		return []string{AttendOnline, AttendInPerson}
	}
	return []string{AttendOnline}
}

// PlacesFor is how many may register to attend in a mode, 0 for no limit.
func (c *Call) PlacesFor(mode string) int {
	if mode == AttendInPerson {
		return c.InPersonCapacity
	}
	return c.Capacity
}

// AttendMode decides how a registrant attends from what they asked: a call offering one way
// takes it whatever was asked; a hybrid call needs a choice, and defaultOnline takes online when
// none was made (subscriptions and clients written before hybrid calls).
func (c *Call) AttendMode(asked string, defaultOnline bool) (string, error) {
	modes := c.AttendanceModes()
	if len(modes) == 1 {
		if asked != "" && asked != modes[0] {
			return "", Invalid("form.invalid", nil, FieldError{Field: "mode", Key: "registration.mode." + modes[0] + "_only"})
		}
		return modes[0], nil
	}
	switch asked {
	case AttendOnline, AttendInPerson:
		return asked, nil
	case "":
		if defaultOnline {
			return AttendOnline, nil
		}
		return "", Invalid("form.invalid", nil, FieldError{Field: "mode", Key: "registration.mode.required"})
	}
	return "", Invalid("form.invalid", nil, FieldError{Field: "mode", Key: "registration.mode.invalid"})
}

// checkHybrid adds field errors about how the call takes place: a venue with its address where
// people meet in a room, none on a video call, and places only for the ways it is attended.
func (c *Call) checkHybrid(f *fieldErrors) {
	if c.AttendanceMode != "" && !oneOf(c.AttendanceMode, CallModes) {
		f.add("attendance_mode", "call.mode.invalid", nil)
		return
	}
	if c.InPersonCapacity < 0 || c.InPersonCapacity > 100000 {
		f.add("in_person_capacity", "capacity.range", map[string]any{"Max": 100000})
	}
	if !c.InPerson() {
		if c.InPersonCapacity != 0 {
			f.add("in_person_capacity", "call.in_person_capacity.online_only", nil)
		}
		if !c.Venue.Empty() {
			f.add("venue_address", "call.venue.online_only", nil)
		}
		return
	}
	if !c.Online() && c.Capacity != 0 {
		f.add("capacity", "call.capacity.in_person_only", nil)
	}
	v := c.Venue
	if v == nil {
		v = &Venue{}
	}
	checkText(f, "venue_name", v.Name, MaxTitle, true)
	checkText(f, "venue_address", v.Address, MaxShortText*2, true)
	checkText(f, "venue_room", v.Room, MaxName, false)
	checkText(f, "venue_access_notes", v.AccessNotes, MaxDescription, false)
	if v.MapURL != "" && !isJoinKitURL(v.MapURL) {
		f.add("venue_map_url", "venue.map_url.invalid", nil)
	}
}
