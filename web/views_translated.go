package web

import (
	"html/template"
	"strconv"
	"text/template/parse"
)

// Pages are parsed once per language with their fixed messages already translated: an action
// that only translates a message, {{.L.T "key"}} or {{$.L.T "key"}}, becomes the message in that
// language as a string constant, which html/template still escapes for where it stands. A page
// then spends no reflection on looking up the localizer and calling it for the words it always
// shows (a call page has about a hundred of them); messages with arguments, plurals and the
// words of data are translated as they are rendered.

// translateConstants rewrites every template of t for the reader of l. It must run before t is
// first executed, when html/template adds its escapers.
func translateConstants(t *template.Template, l *Localizer) {
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			translateNode(tt.Tree.Root, l)
		}
	}
}

func translateNode(n parse.Node, l *Localizer) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			translateNode(c, l)
		}
	case *parse.ActionNode:
		translatePipe(n.Pipe, l)
	case *parse.IfNode:
		translateBranch(&n.BranchNode, l)
	case *parse.RangeNode:
		translateBranch(&n.BranchNode, l)
	case *parse.WithNode:
		translateBranch(&n.BranchNode, l)
	case *parse.TemplateNode:
		translatePipe(n.Pipe, l)
	}
}

func translateBranch(b *parse.BranchNode, l *Localizer) {
	translatePipe(b.Pipe, l)
	translateNode(b.List, l)
	translateNode(b.ElseList, l)
}

// translatePipe replaces a pipeline's first command when it only translates a fixed message (a
// later command would receive the one before it as its last argument), and looks into
// parenthesized pipelines among the arguments.
func translatePipe(p *parse.PipeNode, l *Localizer) {
	if p == nil {
		return
	}
	for i, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			if sub, ok := arg.(*parse.PipeNode); ok {
				translatePipe(sub, l)
			}
		}
		if key, ok := fixedMessage(cmd); ok && i == 0 {
			text := l.T(key)
			cmd.Args = []parse.Node{&parse.StringNode{NodeType: parse.NodeString, Pos: cmd.Pos, Quoted: strconv.Quote(text), Text: text}}
		}
	}
}

// fixedMessage reports the key of a command that is .L.T or $.L.T with one quoted argument.
func fixedMessage(cmd *parse.CommandNode) (string, bool) {
	if len(cmd.Args) != 2 {
		return "", false
	}
	key, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	switch f := cmd.Args[0].(type) {
	case *parse.FieldNode:
		if len(f.Ident) == 2 && f.Ident[0] == "L" && f.Ident[1] == "T" {
			return key.Text, true
		}
	case *parse.VariableNode:
		if len(f.Ident) == 3 && f.Ident[0] == "$" && f.Ident[1] == "L" && f.Ident[2] == "T" {
			return key.Text, true
		}
	}
	return "", false
}
