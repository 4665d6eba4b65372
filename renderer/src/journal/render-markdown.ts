import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Journal Markdown to HTML: markdown-it with raw HTML off (it escapes `<script>` and refuses
 * `javascript:` links), then DOMPurify over the result as a second wall (plugins, a future
 * option). Under the window's CSP nothing remote loads anyway. Links keep their href; the
 * preview decides what a click does (another entry, a run, a commit, a web page).
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

// markdown-it refuses unknown schemes; run: and commit: are Labdesk's own links.
const defaultValidate = markdown.validateLink.bind(markdown);
markdown.validateLink = (url: string) => /^(run|commit):[\w.-]+$/i.test(url) || defaultValidate(url);

export function renderJournalMarkdown(text: string): string {
  // The front matter is shown as fields above the body, not as text.
  const body = text.replace(/^---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '');
  return DOMPurify.sanitize(markdown.render(body), { ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|run:|commit:|#|[^:]*$)/i });
}
