import Foundation
import Testing
@testable import TenureReport

/// Writes the sample report to $TENURE_REPORT_PREVIEW (when set), to look at it in a browser.
@Test func writePreviewWhenAsked() throws {
    guard let dir = ProcessInfo.processInfo.environment["TENURE_REPORT_PREVIEW"] else { return }
    try ReportWriter.write(Sample.document(), to: dir)
}
