extension CLVResult {
    public init(model: String, probabilistic: LifetimeResult, regression: RegressionCLVResult? = nil,
                modelComparison: [PurchaseModelComparison]? = nil) {
        self.model = model; self.probabilistic = probabilistic; self.regression = regression; self.modelComparison = modelComparison
    }
}
