package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/activitypub"
	"github.com/opengovcall/convene/locale"
	"github.com/opengovcall/convene/mail"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// mailConfig is the mail flags serve and jobs run share.
type mailConfig struct {
	smtp, from *string
}

func mailFlags(fs *flag.FlagSet) mailConfig {
	return mailConfig{
		smtp: fs.String("smtp", env("CONVENE_SMTP", ""), "SMTP server for mail, e.g. smtp://user:pass@mail.example.org:587 or smtp://127.0.0.1:1025; empty prints mail to the log (env CONVENE_SMTP)"),
		from: fs.String("mail-from", env("CONVENE_MAIL_FROM", "Convene <convene@localhost>"), "sender of Convene's mail and organizer of its invitations (env CONVENE_MAIL_FROM)"),
	}
}

func (m mailConfig) sender(logger *slog.Logger) (mail.Sender, error) {
	if *m.smtp == "" {
		return mail.NewLog(logger), nil
	}
	s, err := mail.NewSMTP(*m.smtp, *m.from)
	if err != nil {
		return nil, fmt.Errorf("--smtp: %w", err)
	}
	return s, nil
}

func jobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action := "status"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	fs := newFlagSet("jobs "+action, `Background work (invitations, updates, reminders, announcements) and the mail it writes.
  convene jobs          counts by state, and what keeps failing
  convene jobs retry    make everything that failed due again now
  convene jobs run      do all due work and send all waiting mail now, then stop`, stderr)
	db := dbFlag(fs)
	baseURL := fs.String("base-url", env("CONVENE_BASE_URL", "http://localhost:8080"), "absolute URL of the instance, for links in mail (env CONVENE_BASE_URL)")
	mailCfg := mailFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, convene.SystemClock{})
	if err != nil {
		return err
	}
	defer st.Close()
	switch action {
	case "status":
		stats, err := st.Stats(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "jobs: %d waiting, %d done, %d failing, %d given up\nmail: %d waiting, %d sent, %d failing\n",
			stats.Pending, stats.Done, stats.Failing, stats.GivenUp, stats.MailWaiting, stats.MailSent, stats.MailFailing)
		failed, err := st.JobFailures(ctx, 20)
		if err != nil {
			return err
		}
		mails, err := st.MailFailures(ctx, 20)
		if err != nil {
			return err
		}
		for _, f := range append(failed, mails...) {
			state := "retry at " + f.RunAt.UTC().Format(time.RFC3339)
			if f.GivenUp {
				state = "given up"
			}
			fmt.Fprintf(stdout, "  %s #%d, %d attempts, %s: %s\n", f.Kind, f.ID, f.Attempts, state, f.LastError)
		}
		return nil
	case "retry":
		n, err := st.RetryNow(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d failed jobs and mails are due again.\n", n)
		return nil
	case "run":
		logger := slog.New(slog.NewTextHandler(stderr, nil))
		sender, err := mailCfg.sender(logger)
		if err != nil {
			return err
		}
		// The jobs alone: no web server is built to run them.
		base, err := url.Parse(strings.TrimRight(*baseURL, "/"))
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
			return errors.New("base URL must be an absolute http(s) URL")
		}
		catalog, err := locale.New()
		if err != nil {
			return err
		}
		runner, err := notify.NewRunner(ctx, st, catalog, notify.Config{BaseURL: base.String(), Host: base.Host, MailFrom: *mailCfg.from, Log: logger})
		if err != nil {
			return err
		}
		// Federation's rounds too: what changed is published, and due deliveries are posted.
		runner.Federation = activitypub.New(st, base.String(), convene.SystemClock{}, logger)
		return runAll(ctx, runner, mail.NewWorker(st, sender, logger, convene.SystemClock{}), st, stdout)
	}
	return errors.New(`jobs: unknown action; use status, retry or run`)
}

// runAll does every due job, then sends every waiting mail, showing progress: a bar on a terminal,
// plain lines otherwise.
func runAll(ctx context.Context, runner *notify.Runner, worker *mail.Worker, st *store.Store, stdout io.Writer) error {
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	p := newProgress(stdout, "jobs", stats.Pending)
	for {
		n, err := runner.RunJobsOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		p.add(n)
	}
	p.finish()
	if stats, err = st.Stats(ctx); err != nil {
		return err
	}
	p = newProgress(stdout, "mail", stats.MailWaiting)
	var sent, failed int
	for {
		s, f, err := worker.RunOnce(ctx)
		if err != nil {
			return err
		}
		if s+f == 0 {
			break
		}
		sent, failed = sent+s, failed+f
		p.add(s + f)
	}
	p.finish()
	fmt.Fprintf(stdout, "Sent %d mails; %d failed and will be retried.\n", sent, failed)
	return nil
}

// progress reports long work: a bar on a terminal, a line per step otherwise (logs, CI).
type progress struct {
	bar   *progressbar.ProgressBar
	out   io.Writer
	label string
	done  int
	total int
}

func newProgress(out io.Writer, label string, total int) *progress {
	p := &progress{out: out, label: label, total: total}
	if f, ok := out.(*os.File); ok && isTerminal(f) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(out), progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	return p
}

func (p *progress) add(n int) {
	p.done += n
	if p.bar != nil {
		_ = p.bar.Add(n)
		return
	}
	fmt.Fprintf(p.out, "%s: %d of %d\n", p.label, p.done, max(p.total, p.done))
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
