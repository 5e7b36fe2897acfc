package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func TestCommentsHideReportAndRateLimit(t *testing.T) {
	clock := &movableClock{t: utc("2019-11-20T12:00:00Z")}
	testdb.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sr := seedSeries(t, s, "ogc")
		if err := s.CreateSeason(ctx, &convene.Season{SeriesID: sr.ID, Name: "Fall", StartsOn: date("2019-10-01"), EndsOn: date("2019-12-31")}); err != nil {
			t.Fatal(err)
		}
		calls, _ := s.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
		if len(calls) == 0 {
			t.Fatal("no calls")
		}
		on := convene.CommentTarget{Kind: convene.CommentOnCall, ID: calls[0].ID}
		ann := person(t, s, "Ann Member", nil)
		bob := person(t, s, "Bob Member", nil)

		// Bad input is refused with nothing written.
		mustCode(t, s.AddComment(ctx, &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: ann.ID, Body: "  "}), convene.EINVALID)
		mustCode(t, s.AddComment(ctx, &convene.Comment{CommunityID: c.ID, Target: convene.CommentTarget{Kind: "call", ID: 99999}, AuthorID: ann.ID, Body: "x"}), convene.ENOTFOUND)
		other, _ := seedSeries(t, s, "elsewhere")
		mustCode(t, s.AddComment(ctx, &convene.Comment{CommunityID: other.ID, Target: on, AuthorID: ann.ID, Body: "x"}), convene.ENOTFOUND)
		if _, err := convene.ParseCommentTarget("poll:1"); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatalf("poll target: %v", err)
		}

		first := &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: ann.ID, Body: " Great call! "}
		if err := s.AddComment(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: bob.ID, Body: "Spam"}
		if err := s.AddComment(ctx, second); err != nil {
			t.Fatal(err)
		}
		got, err := s.Comments(ctx, c.ID, on)
		if err != nil || len(got) != 2 || got[0].Body != "Great call!" || got[0].AuthorName != "Ann Member" {
			t.Fatalf("comments = %v, %v", got, err)
		}

		// Reports are counted once per reporter; a hidden comment is gone.
		for range 2 {
			if err := s.ReportComment(ctx, c.ID, second.ID, ann.ID, "spam"); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = s.Comments(ctx, c.ID, on)
		if got[1].Reports != 1 {
			t.Fatalf("reports = %d", got[1].Reports)
		}
		mustCode(t, s.HideComment(ctx, other.ID, second.ID), convene.ENOTFOUND)
		if err := s.HideComment(ctx, c.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Comments(ctx, c.ID, on)
		if n, _ := s.CountComments(ctx, c.ID, on); len(got) != 1 || n != 1 {
			t.Fatalf("after hiding: %v, %d", got, n)
		}
		mustCode(t, s.ReportComment(ctx, c.ID, second.ID, ann.ID, ""), convene.ENOTFOUND)

		// Five a minute: the sixth waits, and nothing is written; a minute later it goes through.
		for range convene.CommentsPerMinute - 1 {
			if err := s.AddComment(ctx, &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: ann.ID, Body: "more"}); err != nil {
				t.Fatal(err)
			}
		}
		err = s.AddComment(ctx, &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: ann.ID, Body: "too many"})
		mustCode(t, err, convene.ETOOMANY)
		if e, ok := err.(*convene.Error); !ok || e.Args["Minutes"] != 1 {
			t.Fatalf("err = %#v", err)
		}
		if n, _ := s.CountComments(ctx, c.ID, on); n != convene.CommentsPerMinute {
			t.Fatalf("count = %d", n)
		}
		clock.t = clock.t.Add(61 * time.Second)
		if err := s.AddComment(ctx, &convene.Comment{CommunityID: c.ID, Target: on, AuthorID: ann.ID, Body: "later"}); err != nil {
			t.Fatal(err)
		}
	})
}
